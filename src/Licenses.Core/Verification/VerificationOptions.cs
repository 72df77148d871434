namespace ElectronicLicense.Licenses.Verification;

/// <summary>Settings of 核验, section <c>Verification</c>.</summary>
public sealed class VerificationOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Verification";

    /// <summary>Largest PDF/OFD accepted for upload verification, in bytes (default 10 MiB); larger uploads get 413.</summary>
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;
}
