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
    /// <remarks>
    /// Successes are remembered, keyed by the SHA-256 of the issuer's public key and of the whole certificate: the same
    /// signer and CA certificates come back in every document of a registry, and an SM2 verification in managed code costs
    /// about a millisecond. The answer for those exact bytes cannot change; failures are not remembered.
    /// </remarks>
    public static bool Verify(BcCertificate issuer, BcCertificate certificate)
    {
        var key = VerifiedKey(issuer, certificate);
        if (Verified.ContainsKey(key))
        {
            return true;
        }

        if (!Verify(issuer, certificate.SigAlgOid, certificate.GetTbsCertificate(), certificate.GetSignature()))
        {
            return false;
        }

        if (Verified.Count >= MaxRemembered)
        {
            Verified.Clear();
        }

        Verified.TryAdd(key, 0);
        return true;
    }

    private const int MaxRemembered = 4096;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> Verified = new(StringComparer.Ordinal);

    private static string VerifiedKey(BcCertificate issuer, BcCertificate certificate) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(issuer.CertificateStructure.SubjectPublicKeyInfo.GetDerEncoded()))
        + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificate.GetEncoded()));
}
