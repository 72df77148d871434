using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace ElectronicLicense.Seals.Pki;

/// <summary>A private key with its certificate: what a department or the seal maker signs with.</summary>
/// <remarks>The private key never leaves this object except re-encrypted as PKCS#12 by <see cref="ExportPkcs12"/>.</remarks>
public sealed class SigningKey
{
    private readonly AsymmetricKeyParameter privateKey;

    internal SigningKey(AsymmetricKeyParameter privateKey, BcCertificate certificate, IReadOnlyList<BcCertificate>? chain = null)
    {
        this.privateKey = privateKey;
        BcCertificateValue = certificate;
        Certificate = X509CertificateLoader.LoadCertificate(certificate.GetEncoded());
        Chain = chain ?? [];
        Algorithm = privateKey switch
        {
            ECPrivateKeyParameters ec when ec.PublicKeyParamSet?.Id == Oids.Sm2Curve => SignatureAlgorithm.Sm2WithSm3,
            ECPrivateKeyParameters ec when ec.Parameters.Curve.FieldSize == 256 => SignatureAlgorithm.EcdsaP256WithSha256,
            RsaKeyParameters => SignatureAlgorithm.RsaWithSha256,
            _ => throw new ArgumentException("Only SM2, ECDSA P-256 and RSA keys are supported."),
        };
    }

    /// <summary>The signer's certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The algorithm this key signs with.</summary>
    public SignatureAlgorithm Algorithm { get; }

    internal BcCertificate BcCertificateValue { get; }

    /// <summary>Issuer certificates above <see cref="Certificate"/>, nearest first (may be empty).</summary>
    internal IReadOnlyList<BcCertificate> Chain { get; }

    internal AsymmetricKeyParameter PrivateKey => privateKey;

    /// <summary>Signs <paramref name="data"/>: SM2 and ECDSA signatures are DER <c>SEQUENCE{r, s}</c>, RSA is PKCS#1 v1.5.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        if (Algorithm == SignatureAlgorithm.Sm2WithSm3)
        {
            return Sm2.Sign((ECPrivateKeyParameters)privateKey, data);
        }

        var signer = SignerUtilities.GetSigner(Algorithm == SignatureAlgorithm.RsaWithSha256 ? "SHA256withRSA" : "SHA256withECDSA");
        signer.Init(true, privateKey);
        var bytes = data.ToArray();
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return signer.GenerateSignature();
    }

    /// <summary>Loads the first key entry of a PKCS#12 file.</summary>
    /// <exception cref="CryptographicException">The file is not PKCS#12, the password is wrong, or it holds no key.</exception>
    public static SigningKey FromPkcs12(ReadOnlySpan<byte> pkcs12, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var store = new Pkcs12StoreBuilder().Build();
        try
        {
            store.Load(new MemoryStream(pkcs12.ToArray()), password.ToCharArray());
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or Org.BouncyCastle.Security.SecurityUtilityException
                                      or Org.BouncyCastle.Crypto.CryptoException or Org.BouncyCastle.Asn1.Asn1Exception)
        {
            // Deliberately no inner detail: the message must not hint at the password or key material.
            throw new CryptographicException("The PKCS#12 key file could not be opened: wrong password or not a PKCS#12 file.");
        }

        foreach (string alias in store.Aliases)
        {
            if (!store.IsKeyEntry(alias))
            {
                continue;
            }

            var chain = store.GetCertificateChain(alias);
            if (chain is null || chain.Length == 0)
            {
                continue;
            }

            return new SigningKey(store.GetKey(alias).Key, chain[0].Certificate, chain.Skip(1).Select(c => c.Certificate).ToList());
        }

        throw new CryptographicException("The PKCS#12 key file holds no private key with a certificate.");
    }

    /// <summary>Exports the key and certificate chain as PKCS#12 encrypted with <paramref name="password"/>.</summary>
    public byte[] ExportPkcs12(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var store = new Pkcs12StoreBuilder().Build();
        var entries = new[] { new X509CertificateEntry(BcCertificateValue) }.Concat(Chain.Select(c => new X509CertificateEntry(c))).ToArray();
        store.SetKeyEntry("key", new AsymmetricKeyEntry(privateKey), entries);
        using var output = new MemoryStream();
        store.Save(output, password.ToCharArray(), new SecureRandom());
        return output.ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => $"SigningKey({Algorithm}, {Certificate.Subject})";
}
