using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ElectronicLicense.Licenses.Sealing;

namespace ElectronicLicense.Licenses.Verification;

/// <summary>Signs receipts with the registry's receipt key, loaded once into the platform's ECDSA (faster than BouncyCastle per signature).</summary>
internal sealed class ReceiptSigner : IDisposable
{
    private readonly Lazy<(ECDsa Key, X509Certificate2 Certificate, string KeyId)> key;

    public ReceiptSigner(RegistryKeys keys) => key = new Lazy<(ECDsa, X509Certificate2, string)>(() =>
    {
        var signing = keys.ReceiptSigner();
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        using var loaded = X509CertificateLoader.LoadPkcs12(signing.ExportPkcs12(password), password, X509KeyStorageFlags.EphemeralKeySet);
        var ecdsa = loaded.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The receipt key is not an ECDSA key.");
        var certificate = X509CertificateLoader.LoadCertificate(signing.Certificate.RawData);
        return (ecdsa, certificate, Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)));
    });

    /// <summary>Lower-case hex SHA-256 of the receipt key's DER certificate.</summary>
    public string KeyId => key.Value.KeyId;

    /// <summary>The receipt key's certificate (issued by the registry CA).</summary>
    public X509Certificate2 Certificate => key.Value.Certificate;

    /// <summary>DER ECDSA P-256 signature over the UTF-8 bytes of <paramref name="text"/>.</summary>
    public byte[] Sign(string text) =>
        key.Value.Key.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public void Dispose()
    {
        if (key.IsValueCreated)
        {
            key.Value.Key.Dispose();
            key.Value.Certificate.Dispose();
        }
    }
}
