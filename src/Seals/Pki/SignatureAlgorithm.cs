namespace ElectronicLicense.Seals.Pki;

/// <summary>The signature algorithms the registry signs with.</summary>
public enum SignatureAlgorithm
{
    /// <summary>SM2 with SM3 on sm2p256v1 (GB/T 32918, GM/T 0009): required for GB/T 38540 seals and OFD signatures.</summary>
    Sm2WithSm3 = 1,

    /// <summary>ECDSA on NIST P-256 with SHA-256.</summary>
    EcdsaP256WithSha256 = 2,

    /// <summary>RSA (2048 bits or more) PKCS#1 v1.5 with SHA-256.</summary>
    RsaWithSha256 = 3,
}

/// <summary>Maps algorithms to and from their object identifiers.</summary>
public static class SignatureAlgorithms
{
    /// <summary>The signature algorithm OID written into certificates and signatures.</summary>
    public static string Oid(this SignatureAlgorithm algorithm) => algorithm switch
    {
        SignatureAlgorithm.Sm2WithSm3 => Oids.Sm2WithSm3,
        SignatureAlgorithm.EcdsaP256WithSha256 => Oids.EcdsaWithSha256,
        SignatureAlgorithm.RsaWithSha256 => "1.2.840.113549.1.1.11",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>Recognises a signature algorithm OID; unknown OIDs give false.</summary>
    public static bool TryFromOid(string? oid, out SignatureAlgorithm algorithm)
    {
        algorithm = oid switch
        {
            Oids.Sm2WithSm3 => SignatureAlgorithm.Sm2WithSm3,
            Oids.EcdsaWithSha256 => SignatureAlgorithm.EcdsaP256WithSha256,
            "1.2.840.113549.1.1.11" => SignatureAlgorithm.RsaWithSha256,
            _ => 0,
        };
        return algorithm != 0;
    }
}
