using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace ElectronicLicense.Seals.Pki;

/// <summary>Checks a raw signature against a certificate's public key.</summary>
public static class SignatureVerifier
{
    /// <summary>Verifies <paramref name="signature"/> over <paramref name="data"/>; a malformed key, certificate or signature is simply not valid.</summary>
    public static bool Verify(X509Certificate2 certificate, string algorithmOid, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return TryParse(certificate.RawData, out var bc) && Verify(bc, algorithmOid, data, signature);
    }

    internal static bool Verify(BcCertificate certificate, string algorithmOid, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        AsymmetricKeyParameter key;
        try
        {
            key = certificate.GetPublicKey();
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException or SecurityUtilityException)
        {
            return false;
        }

        return Verify(key, algorithmOid, data, signature);
    }

    internal static bool Verify(AsymmetricKeyParameter publicKey, string algorithmOid, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (!SignatureAlgorithms.TryFromOid(algorithmOid, out var algorithm))
        {
            return false;
        }

        switch (algorithm)
        {
            case SignatureAlgorithm.Sm2WithSm3:
                return publicKey is ECPublicKeyParameters sm2 && Sm2.Verify(sm2, data, signature);
            default:
                try
                {
                    var signer = SignerUtilities.GetSigner(algorithm == SignatureAlgorithm.RsaWithSha256 ? "SHA256withRSA" : "SHA256withECDSA");
                    signer.Init(false, publicKey);
                    var bytes = data.ToArray();
                    signer.BlockUpdate(bytes, 0, bytes.Length);
                    return signer.VerifySignature(signature.ToArray());
                }
                catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException or CryptoException or InvalidOperationException)
                {
                    return false;
                }
        }
    }

    internal static bool TryParse(byte[] der, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BcCertificate? certificate)
    {
        try
        {
            certificate = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(der);
            return certificate is not null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException or Org.BouncyCastle.Security.Certificates.CertificateException
                                      or Org.BouncyCastle.Asn1.Asn1Exception or FormatException)
        {
            certificate = null;
            return false;
        }
    }
}
