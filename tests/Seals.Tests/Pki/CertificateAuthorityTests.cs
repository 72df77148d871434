using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Seals.Tests.Pki;

public class CertificateAuthorityTests
{
    public static TheoryData<SignatureAlgorithm> Algorithms => [SignatureAlgorithm.Sm2WithSm3, SignatureAlgorithm.EcdsaP256WithSha256, SignatureAlgorithm.RsaWithSha256];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Root_is_a_critical_ca_with_cert_and_crl_signing_and_a_key_identifier(SignatureAlgorithm algorithm)
    {
        var ca = TestPki.For(algorithm).Ca.Certificate;

        Assert.Equal(ca.Subject, ca.Issuer);
        var basic = Assert.Single(ca.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(basic.Critical);
        Assert.True(basic.CertificateAuthority);
        var usage = Assert.Single(ca.Extensions.OfType<X509KeyUsageExtension>());
        Assert.True(usage.Critical);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
        Assert.NotNull(Assert.Single(ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>()).SubjectKeyIdentifier);
        Assert.Equal(algorithm.Oid(), ca.SignatureAlgorithm.Value);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Department_certificate_names_the_department_and_its_credit_code(SignatureAlgorithm algorithm)
    {
        var pki = TestPki.For(algorithm);
        var certificate = pki.Department.Certificate;

        Assert.Equal(algorithm, pki.Department.Algorithm);
        Assert.Equal("重庆市市场监督管理局", certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        Assert.Contains("O=重庆市市场监督管理局", certificate.Subject, StringComparison.Ordinal);
        Assert.Contains("SERIALNUMBER=" + TestPki.DepartmentCode, certificate.Subject, StringComparison.Ordinal);
        Assert.Contains("C=CN", certificate.Subject, StringComparison.Ordinal);
        Assert.Equal(pki.Ca.Certificate.Subject, certificate.Issuer);
        var usage = Assert.Single(certificate.Extensions.OfType<X509KeyUsageExtension>());
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, usage.KeyUsages);
        Assert.False(Assert.Single(certificate.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        var aki = Assert.Single(certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>());
        Assert.Equal(pki.Ca.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray(), aki.KeyIdentifier!.Value.ToArray());
        Assert.NotNull(Assert.Single(certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>()).SubjectKeyIdentifier);
        Assert.Equal(algorithm.Oid(), certificate.SignatureAlgorithm.Value);
        Assert.Equal(pki.Ca.Certificate.RawData, Assert.Single(pki.Department.Chain).GetEncoded());
    }

    [Fact]
    public void Serial_numbers_are_positive_and_at_least_64_bits()
    {
        var pki = TestPki.For(SignatureAlgorithm.EcdsaP256WithSha256);
        var serials = Enumerable.Range(0, 20)
            .Select(_ => pki.Ca.IssueSealMaker("m", "o", SignatureAlgorithm.EcdsaP256WithSha256, TestPki.Start, TestPki.Start.AddDays(1)).Certificate.SerialNumberBytes.ToArray())
            .ToList();

        Assert.All(serials, s => Assert.True((s[0] & 0x80) == 0 && s.Length >= 9 && s.Length <= 20, Convert.ToHexString(s)));
        Assert.Equal(serials.Count, serials.Select(Convert.ToHexString).Distinct().Count());
    }

    [Theory]
    [InlineData("11500000MB150301")]
    [InlineData("11500000MB1503013I")]
    [InlineData("11500000mb1503013m")]
    public void Department_with_a_malformed_credit_code_is_refused(string code)
    {
        var ca = TestPki.For(SignatureAlgorithm.EcdsaP256WithSha256).Ca;

        Assert.Throws<ArgumentException>(() => ca.IssueDepartmentSigner("部门", code, SignatureAlgorithm.EcdsaP256WithSha256, TestPki.Start, TestPki.Start.AddDays(1)));
    }

    [Fact]
    public void A_non_ca_key_cannot_become_a_ca()
    {
        var department = TestPki.For(SignatureAlgorithm.Sm2WithSm3).Department;

        Assert.Throws<ArgumentException>(() => CertificateAuthority.FromSigningKey(department));
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Openssl_verifies_the_maker_and_department_certificates_against_the_ca(SignatureAlgorithm algorithm)
    {
        var pki = TestPki.For(algorithm);
        using var openssl = new OpenSsl();
        var ca = openssl.Write("ca.pem", pki.Ca.Certificate.ExportCertificatePem());
        var maker = openssl.Write("maker.pem", pki.SealMaker.Certificate.ExportCertificatePem());
        var department = openssl.Write("dept.pem", pki.Department.Certificate.ExportCertificatePem());

        // distid: OpenSSL needs the SM2 user id spelled out; it is ignored for the other algorithms.
        // -attime: the test PKI starts in 2025 and must be checked inside its validity whatever today is.
        var at = TestPki.Start.AddDays(10).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var distid = algorithm == SignatureAlgorithm.Sm2WithSm3 ? new[] { "-vfyopt", "distid:1234567812345678" } : [];
        var output = openssl.Succeeds(["verify", .. distid, "-attime", at, "-x509_strict", "-CAfile", ca, maker, department]);

        Assert.Contains("maker.pem: OK", output, StringComparison.Ordinal);
        Assert.Contains("dept.pem: OK", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Openssl_verifies_the_crl_signature(SignatureAlgorithm algorithm)
    {
        var pki = TestPki.For(algorithm);
        var revoked = new RevokedCertificate(pki.SealMaker.Certificate.SerialNumber, TestPki.Start.AddDays(3), X509RevocationReason.KeyCompromise);
        var crl = pki.Ca.IssueCrl([revoked], 7, TestPki.Start.AddDays(4), TestPki.Start.AddDays(11));
        using var openssl = new OpenSsl();
        var ca = openssl.Write("ca.pem", pki.Ca.Certificate.ExportCertificatePem());
        var file = openssl.Write("crl.pem", crl.ExportPem());

        var output = openssl.Succeeds("crl", "-in", file, "-CAfile", ca, "-noout", "-text");

        if (algorithm == SignatureAlgorithm.Sm2WithSm3)
        {
            // OpenSSL 3.0's `crl -CAfile` cannot pass the SM2 user id (distid) to CRL verification and reports
            // "verify failure" even for SM2 CRLs it signed itself (and `verify -crl_check` says "CRL signature failure").
            // So check the signature on its own: SM3withSM2 over the DER tbsCertList (RFC 5280 §5.1.1.3).
            Assert.Contains("SM2-with-SM3", output, StringComparison.Ordinal);
            var (tbs, signature) = SplitSigned(crl.Export());
            var publicKey = openssl.Write("ca-pub.pem", new string(PemEncoding.Write("PUBLIC KEY", pki.Ca.Certificate.PublicKey.ExportSubjectPublicKeyInfo())));
            Assert.Contains("Verified OK", openssl.Succeeds("dgst", "-sm3", "-verify", publicKey, "-sigopt", "distid:1234567812345678",
                "-signature", openssl.Write("crl.sig", signature), openssl.Write("crl.tbs", tbs)), StringComparison.Ordinal);
        }
        else
        {
            // `openssl crl` exits 0 even when the signature fails; only its message tells.
            Assert.Contains("verify OK", output, StringComparison.Ordinal);
        }

        Assert.Contains("Key Compromise", output, StringComparison.Ordinal);
        Assert.Contains(revoked.SerialNumber, output.Replace(":", string.Empty, StringComparison.Ordinal).ToUpperInvariant(), StringComparison.Ordinal);
        Assert.Equal(7, crl.CrlNumber);
        Assert.Equal(TestPki.Start.AddDays(11), crl.NextUpdate);
        var entry = Assert.Single(crl.Entries);
        Assert.Equal(revoked.SerialNumber, entry.SerialNumber);
        Assert.Equal(revoked.RevocationTime, entry.RevocationTime);
        Assert.Equal(X509RevocationReason.KeyCompromise, entry.Reason);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Openssl_verifies_a_signature_made_with_an_issued_key(SignatureAlgorithm algorithm)
    {
        var key = TestPki.For(algorithm).Department;
        var data = "电子证照 2025 第1号"u8.ToArray();
        using var openssl = new OpenSsl();
        var dataFile = openssl.Write("data", data);
        var signature = openssl.Write("sig.der", key.Sign(data));
        var publicKey = openssl.Write("pub.pem", new string(PemEncoding.Write("PUBLIC KEY", key.Certificate.PublicKey.ExportSubjectPublicKeyInfo())));

        string[] arguments = algorithm == SignatureAlgorithm.Sm2WithSm3
            ? ["dgst", "-sm3", "-verify", publicKey, "-sigopt", "distid:1234567812345678", "-signature", signature, dataFile]
            : ["dgst", "-sha256", "-verify", publicKey, "-signature", signature, dataFile];
        Assert.Contains("Verified OK", openssl.Succeeds(arguments), StringComparison.Ordinal);

        openssl.Write("data", [.. data, 0]);
        Assert.NotEqual(0, openssl.Run(arguments).ExitCode);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Openssl_reads_our_pkcs12_without_the_legacy_provider(SignatureAlgorithm algorithm)
    {
        var key = TestPki.For(algorithm).Department;
        using var openssl = new OpenSsl();
        var file = openssl.Write("key.p12", key.ExportPkcs12("s3cret-口令"));

        // No -legacy: ExportPkcs12 uses PBES2/AES-256 and an HMAC-SHA256 MAC, OpenSSL 3's own defaults.
        var certificates = openssl.Succeeds("pkcs12", "-in", file, "-passin", "pass:s3cret-口令", "-nokeys");
        var privateKey = openssl.Succeeds("pkcs12", "-in", file, "-passin", "pass:s3cret-口令", "-nocerts", "-nodes");

        Assert.Contains(key.Certificate.ExportCertificatePem().Split('\n')[1], certificates, StringComparison.Ordinal);
        Assert.Contains("BEGIN PRIVATE KEY", privateKey, StringComparison.Ordinal);
        Assert.NotEqual(0, openssl.Run("pkcs12", "-in", file, "-passin", "pass:wrong", "-nokeys").ExitCode);
        var again = SigningKey.FromPkcs12(File.ReadAllBytes(file), "s3cret-口令");
        Assert.Equal(key.Certificate.RawData, again.Certificate.RawData);
        Assert.True(SignatureVerifier.Verify(key.Certificate, algorithm.Oid(), "x"u8, again.Sign("x"u8)));
    }

    [Fact]
    public void Crl_decoding_refuses_garbage()
    {
        Assert.False(CertificateRevocationList.TryDecode([], out _, out _));
        Assert.False(CertificateRevocationList.TryDecode([0x30, 0x03, 0x02, 0x01, 0x01], out _, out _));
        Assert.False(CertificateRevocationList.TryDecode(RandomNumberGenerator.GetBytes(64), out _, out _));
        Assert.False(CertificateRevocationList.TryDecode(TestPki.For(SignatureAlgorithm.Sm2WithSm3).Ca.Certificate.RawData, out _, out _));
    }

    /// <summary>Splits a SIGNED{ToBeSigned} structure into the DER of the signed part and the signature BIT STRING's bytes.</summary>
    internal static (byte[] ToBeSigned, byte[] Signature) SplitSigned(byte[] der)
    {
        var reader = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var toBeSigned = reader.ReadEncodedValue().ToArray();
        reader.ReadSequence();
        return (toBeSigned, reader.ReadBitString(out _));
    }
}
