using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace ElectronicLicense.Seals.Pki;

/// <summary>Key generation and certificate signature factories for the three supported algorithms.</summary>
internal static class KeyPairs
{
    public const int RsaKeySize = 2048;

    private static readonly SecureRandom Random = new();

    public static AsymmetricCipherKeyPair Generate(SignatureAlgorithm algorithm)
    {
        switch (algorithm)
        {
            case SignatureAlgorithm.Sm2WithSm3:
                return Sm2.GenerateKeyPair();
            case SignatureAlgorithm.EcdsaP256WithSha256:
                var generator = new ECKeyPairGenerator();
                // Named curve, as for SM2, so certificates carry prime256v1 rather than explicit parameters.
                generator.Init(new ECKeyGenerationParameters(X9ObjectIdentifiers.Prime256v1, Random));
                return generator.GenerateKeyPair();
            case SignatureAlgorithm.RsaWithSha256:
                // The platform (OpenSSL) finds RSA primes several times faster than BouncyCastle.
                using (var rsa = RSA.Create(RsaKeySize))
                {
                    var privateKey = (RsaPrivateCrtKeyParameters)PrivateKeyFactory.CreateKey(rsa.ExportPkcs8PrivateKey());
                    return new AsymmetricCipherKeyPair(new RsaKeyParameters(false, privateKey.Modulus, privateKey.PublicExponent), privateKey);
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown signature algorithm.");
        }
    }

    /// <summary>A signature factory for certificates and CRLs.</summary>
    /// <remarks>BouncyCastle 1.8.10 has no name for SM3withSM2 in its factory table, so the OID is passed; its SM2 signer then uses the GM/T 0009 default user id.</remarks>
    public static Asn1SignatureFactory SignatureFactory(SignatureAlgorithm algorithm, AsymmetricKeyParameter privateKey) => algorithm switch
    {
        SignatureAlgorithm.Sm2WithSm3 => new Asn1SignatureFactory(Oids.Sm2WithSm3, privateKey, Random),
        SignatureAlgorithm.EcdsaP256WithSha256 => new Asn1SignatureFactory("SHA256WITHECDSA", privateKey, Random),
        SignatureAlgorithm.RsaWithSha256 => new Asn1SignatureFactory("SHA256WITHRSA", privateKey, Random),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown signature algorithm."),
    };

    /// <summary>A key identifier: the leftmost 160 bits of the SHA-256 of the subjectPublicKey BIT STRING (RFC 7093 §2 method 1).</summary>
    public static byte[] KeyIdentifier(AsymmetricKeyParameter publicKey)
    {
        var info = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(publicKey);
        return SHA256.HashData(info.PublicKey.GetBytes())[..20];
    }

    /// <summary>A random positive serial number of 127 bits (RFC 5280 §4.1.2.2: at most 20 octets; CA/B forum: at least 64 random bits).</summary>
    public static Org.BouncyCastle.Math.BigInteger RandomSerial()
    {
        Span<byte> bytes = stackalloc byte[16];
        do
        {
            RandomNumberGenerator.Fill(bytes);
            bytes[0] &= 0x7F;
        }
        while (bytes[0] == 0);

        return new Org.BouncyCastle.Math.BigInteger(1, bytes.ToArray());
    }
}
