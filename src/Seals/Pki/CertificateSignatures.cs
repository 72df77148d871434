using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace ElectronicLicense.Seals.Pki;

/// <summary>Verifies the issuer's signature on a certificate or CRL.</summary>
internal static class CertificateSignatures
{
    /// <summary>Whether <paramref name="signature"/> over the to-be-signed bytes verifies with the issuer's key; never throws for bad input.</summary>
    /// <remarks>SM3withSM2, ECDSA and RSA with SHA-256 go through <see cref="SignatureVerifier"/> (GM/T 0009 default user id for SM2);
    /// other algorithms an outside CA may use (SHA-384, SHA-512, RSA-PSS) through BouncyCastle's own verifier.</remarks>
    public static bool Verify(BcCertificate issuer, string algorithmOid, byte[] toBeSigned, byte[] signature)
    {
        if (SignatureAlgorithms.TryFromOid(algorithmOid, out _))
        {
            return SignatureVerifier.Verify(issuer, algorithmOid, toBeSigned, signature);
        }

        try
        {
            var verifier = SignerUtilities.GetSigner(algorithmOid);
            verifier.Init(false, issuer.GetPublicKey());
            verifier.BlockUpdate(toBeSigned, 0, toBeSigned.Length);
            return verifier.VerifySignature(signature);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException or CryptoException
                                      or InvalidOperationException or SecurityUtilityException or Org.BouncyCastle.Asn1.Asn1Exception)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="certificate"/>'s signature verifies with <paramref name="issuer"/>'s key.</summary>
    public static bool Verify(BcCertificate issuer, BcCertificate certificate) =>
        Verify(issuer, certificate.SigAlgOid, certificate.GetTbsCertificate(), certificate.GetSignature());
}
