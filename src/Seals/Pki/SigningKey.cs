using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
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
    // OpenSSL 3's default for PKCS#12 (PKCS12_DEFAULT_ITER): slow enough for a key file, fast enough for first start.
    private const int Pkcs12Iterations = 2048;

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
    /// <remarks>
    /// Files in today's format (PBES2, as <see cref="ExportPkcs12"/> and OpenSSL 3 write them) are read by the platform,
    /// which treats the password as UTF-8 like OpenSSL; older ones (3DES, 40-bit RC2, as ofdrw's and most CAs' tools
    /// write them) by BouncyCastle.
    /// </remarks>
    /// <exception cref="CryptographicException">The file is not PKCS#12, the password is wrong, or it holds no key.</exception>
    public static SigningKey FromPkcs12(ReadOnlySpan<byte> pkcs12, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        // Deliberately no inner exception or detail: the message must not hint at the password or the key material.
        const string Unreadable = "The PKCS#12 key file could not be opened: wrong password or not a PKCS#12 file.";
        Pkcs12Info info;
        try
        {
            info = Pkcs12Info.Decode(pkcs12.ToArray(), out _);
        }
        catch (CryptographicException)
        {
            throw new CryptographicException(Unreadable);
        }

        if (info.IntegrityMode == Pkcs12IntegrityMode.Password && !info.VerifyMac(password))
        {
            throw new CryptographicException(Unreadable);
        }

        AsymmetricKeyParameter? key = null;
        var certificates = new List<(BcCertificate Certificate, byte[]? LocalKeyId)>();
        byte[]? keyLocalId = null;
        try
        {
            foreach (var contents in info.AuthenticatedSafe)
            {
                if (contents.ConfidentialityMode == Pkcs12ConfidentialityMode.Password)
                {
                    contents.Decrypt(password);
                }

                foreach (var bag in contents.GetBags())
                {
                    switch (bag)
                    {
                        case Pkcs12ShroudedKeyBag shrouded when key is null:
                            var decrypted = Pkcs8PrivateKeyInfo.DecryptAndDecode(password, shrouded.EncryptedPkcs8PrivateKey, out _);
                            key = PrivateKeyFactory.CreateKey(decrypted.Encode());
                            keyLocalId = LocalKeyId(bag);
                            break;
                        case Pkcs12KeyBag plain when key is null:
                            key = PrivateKeyFactory.CreateKey(plain.Pkcs8PrivateKey.ToArray());
                            keyLocalId = LocalKeyId(bag);
                            break;
                        case Pkcs12CertBag { IsX509Certificate: true } certificate:
                            certificates.Add((new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(certificate.GetCertificate().RawData), LocalKeyId(bag)));
                            break;
                    }
                }
            }
        }
        catch (CryptographicException)
        {
            // An encryption the platform does not implement (40-bit RC2 on Linux, for instance): BouncyCastle knows the old ones.
            return FromLegacyPkcs12(pkcs12, password, Unreadable);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or SecurityUtilityException
                                      or Org.BouncyCastle.Asn1.Asn1Exception or Org.BouncyCastle.Security.Certificates.CertificateException)
        {
            throw new CryptographicException(Unreadable);
        }

        if (key is null)
        {
            throw new CryptographicException("The PKCS#12 key file holds no private key with a certificate.");
        }

        var leaf = certificates.FirstOrDefault(c => keyLocalId is not null && c.LocalKeyId is not null && c.LocalKeyId.AsSpan().SequenceEqual(keyLocalId)).Certificate
                   ?? certificates.FirstOrDefault(c => IsPairOf(key, c.Certificate)).Certificate
                   ?? throw new CryptographicException("The PKCS#12 key file holds no private key with a certificate.");
        return new SigningKey(key, leaf, IssuerChain(leaf, certificates.Select(c => c.Certificate).Where(c => !c.Equals(leaf)).ToList()));
    }

    private static SigningKey FromLegacyPkcs12(ReadOnlySpan<byte> pkcs12, string password, string unreadable)
    {
        var store = new Pkcs12StoreBuilder().Build();
        try
        {
            store.Load(new MemoryStream(pkcs12.ToArray()), password.ToCharArray());
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or SecurityUtilityException or OverflowException
                                      or Org.BouncyCastle.Crypto.CryptoException or Org.BouncyCastle.Asn1.Asn1Exception)
        {
            // OverflowException: BouncyCastle 1.8 cannot turn a non-ASCII password into PKCS#5 bytes.
            throw new CryptographicException(unreadable);
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

    private static byte[]? LocalKeyId(Pkcs12SafeBag bag)
    {
        foreach (var attribute in bag.Attributes)
        {
            if (attribute.Oid.Value == "1.2.840.113549.1.9.21" && attribute.Values.Count == 1)
            {
                return new Pkcs9LocalKeyId(attribute.Values[0].RawData).KeyId.ToArray();
            }
        }

        return null;
    }

    private static bool IsPairOf(AsymmetricKeyParameter privateKey, BcCertificate certificate)
    {
        var publicKey = certificate.GetPublicKey();
        return (privateKey, publicKey) switch
        {
            (ECPrivateKeyParameters ec, ECPublicKeyParameters pub) => ec.Parameters.G.Multiply(ec.D).Normalize().Equals(pub.Q.Normalize()),
            (RsaKeyParameters rsa, RsaKeyParameters pub) => rsa.Modulus.Equals(pub.Modulus),
            _ => false,
        };
    }

    /// <summary>Orders the other certificates of a file from the leaf's issuer upwards; unrelated ones are dropped.</summary>
    private static List<BcCertificate> IssuerChain(BcCertificate leaf, List<BcCertificate> others)
    {
        var chain = new List<BcCertificate>();
        var current = leaf;
        while (!current.IssuerDN.Equivalent(current.SubjectDN, true)
               && others.FirstOrDefault(c => c.SubjectDN.Equivalent(current.IssuerDN, true) && !chain.Contains(c)) is { } issuer)
        {
            chain.Add(issuer);
            current = issuer;
        }

        return chain;
    }

    /// <summary>Exports the key and certificate chain as PKCS#12 encrypted with <paramref name="password"/>.</summary>
    /// <remarks>
    /// PBES2 with AES-256-CBC and PBKDF2-HMAC-SHA256 for the key and the certificates, HMAC-SHA256 for the MAC:
    /// what OpenSSL 3 writes by default, readable without its legacy provider (BouncyCastle's own PKCS#12 writer
    /// uses 40-bit RC2 for certificates, which OpenSSL 3 reads only with <c>-legacy</c>).
    /// </remarks>
    public byte[] ExportPkcs12(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, Pkcs12Iterations);
        var localKeyId = new Pkcs9LocalKeyId(Certificate.GetCertHash(HashAlgorithmName.SHA256));

        // PKCS#8 from BouncyCastle, because the platform cannot hold an SM2 key; the platform then encrypts it.
        var pkcs8 = Org.BouncyCastle.Pkcs.PrivateKeyInfoFactory.CreatePrivateKeyInfo(privateKey).GetDerEncoded();
        var keyInfo = Pkcs8PrivateKeyInfo.Decode(pkcs8, out _);
        var keys = new Pkcs12SafeContents();
        var keyBag = new Pkcs12ShroudedKeyBag(keyInfo.Encrypt(password, pbe));
        keyBag.Attributes.Add(localKeyId);
        keys.AddSafeBag(keyBag);
        CryptographicOperations.ZeroMemory(pkcs8);

        var certificates = new Pkcs12SafeContents();
        certificates.AddCertificate(Certificate).Attributes.Add(localKeyId);
        foreach (var issuer in Chain)
        {
            certificates.AddCertificate(X509CertificateLoader.LoadCertificate(issuer.GetEncoded()));
        }

        var builder = new Pkcs12Builder();
        builder.AddSafeContentsEncrypted(certificates, password, pbe);
        builder.AddSafeContentsUnencrypted(keys);
        builder.SealWithMac(password, HashAlgorithmName.SHA256, Pkcs12Iterations);
        return builder.Encode();
    }

    /// <inheritdoc />
    public override string ToString() => $"SigningKey({Algorithm}, {Certificate.Subject})";
}
