namespace ElectronicLicense.Licenses.Sealing;

/// <summary>Keys, seals and signing (configuration section <c>Sealing</c>).</summary>
public sealed class SealingOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Sealing";

    /// <summary>Folder of the PKCS#12 key files; default <c>keys</c> under the data directory.</summary>
    public string? KeyDirectory { get; set; }

    /// <summary>
    /// Password protecting every private key at rest. When unset on the embedded default, a random one is created on first start
    /// and kept beside the keys (readable by the service account only); production sets it from a secret store
    /// (environment variable <c>Sealing__KeyPassword</c>).
    /// </summary>
    public string? KeyPassword { get; set; }

    /// <summary>Make a demo seal for every department and seal kind the catalog's signature policies need, when missing. On by default for the embedded registry.</summary>
    public bool CreateDemoSeals { get; set; } = true;

    /// <summary>How long new seals and department certificates are valid, in years.</summary>
    public int ValidityYears { get; set; } = 5;

    /// <summary>PEM or DER certificate files of other entities' seal makers whose seals are accepted (互认).</summary>
    public IList<string> TrustedSealMakers { get; } = [];

    /// <summary>PEM or DER certificate files of other CAs whose signer certificates are trusted, besides the registry's own CA.</summary>
    public IList<string> TrustedSignerAuthorities { get; } = [];
}
