using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.X509;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using BcKeyUsage = Org.BouncyCastle.Asn1.X509.KeyUsage;

namespace ElectronicLicense.Seals.Pki;

/// <summary>The registry's certificate authority: a self-signed root that issues the seal-maker and department signer certificates and the revocation list.</summary>
/// <remarks>
/// Certificates follow RFC 5280 profiles; SM2 ones are signed SM3withSM2 (OID 1.2.156.10197.1.501, GM/T 0015)
/// with the GM/T 0009 default user id, so OpenSSL 3 verifies them with <c>-vfyopt distid:1234567812345678</c>.
/// </remarks>
public sealed class CertificateAuthority
{
    // GB 32100-2015 表1: the 31 characters a 统一社会信用代码 is written in.
    private const string UsccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private readonly byte[] keyIdentifier;

    private CertificateAuthority(SigningKey key)
    {
        Key = key;
        keyIdentifier = SubjectKeyIdentifierOf(key.BcCertificateValue) ?? KeyPairs.KeyIdentifier(key.BcCertificateValue.GetPublicKey());
    }

    /// <summary>The CA's own key and certificate, for storing in a KeyStore.</summary>
    public SigningKey Key { get; }

    /// <summary>The CA certificate, which relying parties configure as a trust anchor.</summary>
    public X509Certificate2 Certificate => Key.Certificate;

    /// <summary>Creates a new self-signed root CA with a fresh key pair.</summary>
    /// <param name="commonName">The CA's CN, e.g. "电子证照根CA".</param>
    /// <param name="organization">The operator's O.</param>
    /// <param name="algorithm">The key and signature algorithm.</param>
    /// <param name="notBefore">Start of validity.</param>
    /// <param name="notAfter">End of validity.</param>
    public static CertificateAuthority CreateRoot(string commonName, string organization, SignatureAlgorithm algorithm, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        ArgumentException.ThrowIfNullOrWhiteSpace(organization);
        CheckValidity(notBefore, notAfter);
        var pair = KeyPairs.Generate(algorithm);
        var name = Name(("C", "CN"), ("O", organization), ("CN", commonName));
        var keyId = KeyPairs.KeyIdentifier(pair.Public);

        var generator = NewGenerator(name, name, pair.Public, notBefore, notAfter);
        // RFC 5280 §4.2.1.9: basicConstraints MUST appear as critical in CA certificates;
        // §4.2.1.3: keyCertSign and cRLSign for a CA that signs certificates and CRLs.
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(true));
        generator.AddExtension(X509Extensions.KeyUsage, true, new BcKeyUsage(BcKeyUsage.KeyCertSign | BcKeyUsage.CrlSign));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId));
        var certificate = generator.Generate(KeyPairs.SignatureFactory(algorithm, pair.Private));
        return new CertificateAuthority(new SigningKey(pair.Private, certificate));
    }

    /// <summary>Uses a stored CA key, e.g. one loaded from a KeyStore.</summary>
    /// <exception cref="ArgumentException">The certificate is not a CA certificate allowed to sign certificates.</exception>
    public static CertificateAuthority FromSigningKey(SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var certificate = key.BcCertificateValue;
        var usage = certificate.GetKeyUsage();
        // RFC 5280 §4.2.1.9 and §4.2.1.3: only a CA certificate with keyCertSign (if keyUsage is present) may issue.
        if (certificate.GetBasicConstraints() < 0 || (usage is not null && !usage[5]))
        {
            throw new ArgumentException("The key's certificate is not a CA certificate with keyCertSign.", nameof(key));
        }

        return new CertificateAuthority(key);
    }

    /// <summary>Issues a seal-maker (制章) certificate with a fresh key pair.</summary>
    /// <param name="commonName">The seal maker's CN.</param>
    /// <param name="organization">The seal maker's O.</param>
    /// <param name="algorithm">The key and signature algorithm of the new key.</param>
    /// <param name="notBefore">Start of validity.</param>
    /// <param name="notAfter">End of validity.</param>
    public SigningKey IssueSealMaker(string commonName, string organization, SignatureAlgorithm algorithm, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        ArgumentException.ThrowIfNullOrWhiteSpace(organization);
        return IssueEndEntity(Name(("C", "CN"), ("O", organization), ("CN", commonName)), algorithm, notBefore, notAfter);
    }

    /// <summary>Issues a department's signer certificate (CN = O = department name, serialNumber = 统一社会信用代码) with a fresh key pair.</summary>
    /// <param name="departmentName">The department's registered name.</param>
    /// <param name="unifiedSocialCreditCode">The department's 18-character 统一社会信用代码; only its shape is checked here.</param>
    /// <param name="algorithm">The key and signature algorithm of the new key.</param>
    /// <param name="notBefore">Start of validity.</param>
    /// <param name="notAfter">End of validity.</param>
    public SigningKey IssueDepartmentSigner(string departmentName, string unifiedSocialCreditCode, SignatureAlgorithm algorithm, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(departmentName);
        ArgumentNullException.ThrowIfNull(unifiedSocialCreditCode);
        // GB 32100-2015: 18 characters of 表1. The check character is Core's business: early codes on its
        // allow-list legitimately fail it, and Seals must not depend on Core.
        if (unifiedSocialCreditCode.Length != 18 || unifiedSocialCreditCode.Any(c => !UsccCharset.Contains(c, StringComparison.Ordinal)))
        {
            throw new ArgumentException("统一社会信用代码 must be 18 characters of 0-9 and A-Y without I, O, S, V, Z.", nameof(unifiedSocialCreditCode));
        }

        // X.520 serialNumber (2.5.4.5) carries the organisation identifier, as Chinese CAs do for 单位证书.
        var subject = Name(("C", "CN"), ("O", departmentName), ("SERIALNUMBER", unifiedSocialCreditCode), ("CN", departmentName));
        return IssueEndEntity(subject, algorithm, notBefore, notAfter);
    }

    /// <summary>Issues an X.509 v2 CRL (RFC 5280 §5) listing <paramref name="revoked"/>, signed by this CA.</summary>
    /// <param name="revoked">The revoked certificates with their revocation time and reason.</param>
    /// <param name="crlNumber">A number that increases with every CRL this CA issues.</param>
    /// <param name="thisUpdate">The issue time.</param>
    /// <param name="nextUpdate">When the next CRL will be issued at the latest.</param>
    public CertificateRevocationList IssueCrl(IEnumerable<RevokedCertificate> revoked, long crlNumber, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        ArgumentNullException.ThrowIfNull(revoked);
        ArgumentOutOfRangeException.ThrowIfNegative(crlNumber);
        CheckValidity(thisUpdate, nextUpdate);
        var generator = new X509V2CrlGenerator();
        generator.SetIssuerDN(Key.BcCertificateValue.SubjectDN);
        generator.SetThisUpdate(Truncate(thisUpdate));
        generator.SetNextUpdate(Truncate(nextUpdate));
        foreach (var entry in revoked)
        {
            generator.AddCrlEntry(entry.SerialValue, Truncate(entry.RevocationTime), (int)entry.Reason);
        }

        // RFC 5280 §5.2.1 and §5.2.3: conforming CRL issuers MUST include the AKI and the CRL number.
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyIdentifier));
        generator.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(Org.BouncyCastle.Math.BigInteger.ValueOf(crlNumber)));
        var crl = generator.Generate(KeyPairs.SignatureFactory(Key.Algorithm, Key.PrivateKey));
        return CertificateRevocationList.TryDecode(crl.GetEncoded(), out var result, out _)
            ? result
            : throw new InvalidOperationException("The CRL just issued could not be decoded.");
    }

    /// <summary>A CA over any key, without the CA-certificate check: for tests that need a misbehaving issuer.</summary>
    internal static CertificateAuthority Unchecked(SigningKey key) => new(key);

    /// <summary>Issues an end-entity certificate (or, for tests, a subordinate CA) with a fresh key pair.</summary>
    internal SigningKey IssueEndEntity(X509Name subject, SignatureAlgorithm algorithm, DateTimeOffset notBefore, DateTimeOffset notAfter, bool isCa = false)
    {
        CheckValidity(notBefore, notAfter);
        var pair = KeyPairs.Generate(algorithm);
        var generator = NewGenerator(Key.BcCertificateValue.SubjectDN, subject, pair.Public, notBefore, notAfter);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(isCa));
        // RFC 5280 §4.2.1.3: digitalSignature for signatures on documents and seals; nonRepudiation (contentCommitment)
        // because a seal or document signature commits the department to the content.
        generator.AddExtension(X509Extensions.KeyUsage, true, new BcKeyUsage(isCa
            ? BcKeyUsage.KeyCertSign | BcKeyUsage.CrlSign
            : BcKeyUsage.DigitalSignature | BcKeyUsage.NonRepudiation));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, new SubjectKeyIdentifier(KeyPairs.KeyIdentifier(pair.Public)));
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyIdentifier));
        var certificate = generator.Generate(KeyPairs.SignatureFactory(Key.Algorithm, Key.PrivateKey));
        return new SigningKey(pair.Private, certificate, [Key.BcCertificateValue, .. Key.Chain]);
    }

    internal static X509Name Name(params (string Type, string Value)[] parts)
    {
        var oids = parts.Select(p => (DerObjectIdentifier)X509Name.DefaultLookup[p.Type.ToLowerInvariant()]!).ToList();
        return new X509Name(oids, parts.Select(p => p.Value).ToList());
    }

    private static X509V3CertificateGenerator NewGenerator(X509Name issuer, X509Name subject, AsymmetricKeyParameter publicKey, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(KeyPairs.RandomSerial());
        generator.SetIssuerDN(issuer);
        generator.SetSubjectDN(subject);
        generator.SetNotBefore(Truncate(notBefore));
        generator.SetNotAfter(Truncate(notAfter));
        generator.SetPublicKey(publicKey);
        return generator;
    }

    private static byte[]? SubjectKeyIdentifierOf(BcCertificate certificate)
    {
        var value = certificate.GetExtensionValue(X509Extensions.SubjectKeyIdentifier);
        return value is null ? null : SubjectKeyIdentifier.GetInstance(Asn1Object.FromByteArray(value.GetOctets())).GetKeyIdentifier();
    }

    private static void CheckValidity(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            throw new ArgumentException("The end of the validity period must be after its start.", nameof(to));
        }
    }

    // Certificates and CRLs hold whole seconds (UTCTime/GeneralizedTime without fractions, RFC 5280 §4.1.2.5).
    private static DateTime Truncate(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }
}
