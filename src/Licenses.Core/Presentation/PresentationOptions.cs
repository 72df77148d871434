namespace ElectronicLicense.Licenses.Presentation;

/// <summary>Offline QR payloads, the trust list and status lists (configuration section <c>Presentation</c>).</summary>
public sealed class PresentationOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Presentation";

    /// <summary>Algorithm of new presentation keys: <c>EcdsaP256</c> (default) or <c>Sm2</c>.</summary>
    public string Algorithm { get; set; } = "EcdsaP256";

    /// <summary>How long a new payload-signing key may sign, in days, before it must be rotated (default 730).</summary>
    public int KeyValidityDays { get; set; } = 730;

    /// <summary>The longest a payload is accepted after signing, in days (default 1825); never past the license's last valid day.</summary>
    public int PayloadLifetimeDays { get; set; } = 1825;

    /// <summary>How long a verifier may cache a trust list or status list, in seconds (default 300).</summary>
    public int TtlSeconds { get; set; } = 300;

    /// <summary>Entries per status list (default and minimum 131072).</summary>
    public int StatusListSize { get; set; } = 131_072;
}
