using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Licenses.Presentation;

/// <summary>What a registry presentation key is used for.</summary>
public enum PresentationKeyUse
{
    /// <summary>Signs offline payloads and status lists.</summary>
    Payload,

    /// <summary>Signs the trust list.</summary>
    TrustList,
}

/// <summary>The state of a registry key in the trust list.</summary>
public enum PresentationKeyStatus
{
    /// <summary>Signs now.</summary>
    Active,

    /// <summary>Rotated out: signs nothing new, still verifies what it signed inside its validity.</summary>
    Retired,

    /// <summary>Withdrawn (e.g. compromised): nothing it signed is accepted.</summary>
    Revoked,
}

/// <summary>A public registry key as published in the trust list.</summary>
public sealed record PresentationKey
{
    /// <summary>Base64url of the first 8 bytes of SHA-256 of <see cref="SubjectPublicKeyInfo"/>.</summary>
    public required string KeyId { get; init; }

    /// <summary>The signing algorithm.</summary>
    public required PayloadAlgorithm Algorithm { get; init; }

    /// <summary>What it signs.</summary>
    public required PresentationKeyUse Use { get; init; }

    /// <summary>DER SubjectPublicKeyInfo.</summary>
    public required byte[] SubjectPublicKeyInfo { get; init; }

    /// <summary>DER self-signed certificate carrying the key (for tools that want a certificate, and SM2 verification).</summary>
    public required byte[] Certificate { get; init; }

    /// <summary>Start of the period in which the key may sign.</summary>
    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>End of the period in which the key may sign (its retirement time once rotated out).</summary>
    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>Active, retired or revoked.</summary>
    public required PresentationKeyStatus Status { get; init; }

    /// <summary>The key id of a SubjectPublicKeyInfo.</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> subjectPublicKeyInfo) => OfflinePayload.Base64Url(SHA256.HashData(subjectPublicKeyInfo).AsSpan(0, 8));

    /// <summary>Whether <paramref name="signature"/> over <paramref name="data"/> verifies with this key (false for malformed input).</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(Certificate);
        }
        catch (CryptographicException)
        {
            return false;
        }

        using (certificate)
        {
            // The key id binds the SPKI; the certificate must carry that same key.
            if (!certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(SubjectPublicKeyInfo)
                || KeyIdOf(SubjectPublicKeyInfo) != KeyId)
            {
                return false;
            }

            var oid = Algorithm == PayloadAlgorithm.Sm2Sm3 ? SignatureAlgorithm.Sm2WithSm3.Oid() : SignatureAlgorithm.EcdsaP256WithSha256.Oid();
            return SignatureVerifier.Verify(certificate, oid, data, signature);
        }
    }
}
