using System.Text;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace ElectronicLicense.Seals.Pki;

/// <summary>SM2 signatures with SM3 (GB/T 32918.2, GM/T 0009), encoded as DER <c>SEQUENCE { r INTEGER, s INTEGER }</c>.</summary>
/// <remarks>
/// GM/T 0009 fixes the default signer identity to "1234567812345678"; every interoperating implementation
/// (OpenSSL's <c>distid</c>, ofdrw, the seal-making systems of the provinces) uses it unless told otherwise.
/// BouncyCastle's <see cref="SM2Signer"/> keeps state between uses, so a fresh signer is made per call.
/// </remarks>
internal static class Sm2
{
    public const string DefaultUserId = "1234567812345678";

    private static readonly SecureRandom Random = new();

    public static AsymmetricCipherKeyPair GenerateKeyPair()
    {
        var generator = new ECKeyPairGenerator();
        // The named-curve OID (not explicit parameters) so certificates say sm2p256v1 and OpenSSL accepts them.
        generator.Init(new ECKeyGenerationParameters(GMObjectIdentifiers.sm2p256v1, Random));
        return generator.GenerateKeyPair();
    }

    public static byte[] Sign(ECPrivateKeyParameters key, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signer = new SM2Signer();
        signer.Init(true, new ParametersWithID(new ParametersWithRandom(key, Random), Encoding.ASCII.GetBytes(DefaultUserId)));
        var bytes = data.ToArray();
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return signer.GenerateSignature();
    }

    /// <summary>Verifies a DER signature; malformed signatures are simply not valid.</summary>
    public static bool Verify(ECPublicKeyParameters key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var signer = new SM2Signer();
            signer.Init(false, new ParametersWithID(key, Encoding.ASCII.GetBytes(DefaultUserId)));
            var bytes = data.ToArray();
            signer.BlockUpdate(bytes, 0, bytes.Length);
            return signer.VerifySignature(signature.ToArray());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or FormatException
                                      or Org.BouncyCastle.Crypto.CryptoException or InvalidCastException)
        {
            return false;
        }
    }
}
