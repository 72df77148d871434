namespace ElectronicLicense.Seals.Pki;

/// <summary>Object identifiers used by the Chinese commercial cryptography standards and by ECDSA.</summary>
public static class Oids
{
    /// <summary>SM2 signature with SM3 digest (GM/T 0006).</summary>
    public const string Sm2WithSm3 = "1.2.156.10197.1.501";

    /// <summary>SM3 hash algorithm.</summary>
    public const string Sm3 = "1.2.156.10197.1.401";

    /// <summary>The SM2 elliptic curve sm2p256v1.</summary>
    public const string Sm2Curve = "1.2.156.10197.1.301";

    /// <summary>ECDSA with SHA-256 (RFC 5758).</summary>
    public const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";

    /// <summary>SHA-256.</summary>
    public const string Sha256 = "2.16.840.1.101.3.4.2.1";

    /// <summary>The NIST P-256 curve (prime256v1).</summary>
    public const string P256Curve = "1.2.840.10045.3.1.7";
}
