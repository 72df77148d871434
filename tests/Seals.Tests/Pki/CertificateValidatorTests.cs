using System.Security.Cryptography.X509Certificates;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Seals.Tests.Pki;

public class CertificateValidatorTests
{
    private static readonly DateTimeOffset SigningTime = TestPki.Start.AddDays(10);

    public static TheoryData<SignatureAlgorithm> Algorithms => [SignatureAlgorithm.Sm2WithSm3, SignatureAlgorithm.EcdsaP256WithSha256, SignatureAlgorithm.RsaWithSha256];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Department_certificate_is_valid_at_signing_time(SignatureAlgorithm algorithm)
    {
        var pki = TestPki.For(algorithm);
        var crl = pki.Ca.IssueCrl([], 1, SigningTime, SigningTime.AddDays(7));
        var validator = new CertificateValidator([pki.Ca.Certificate], revocationLists: [crl]);

        var result = validator.Validate(pki.Department.Certificate, SigningTime, X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation);

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(ValidationSubIndication.None, result.SubIndication);
        Assert.Equal([pki.Department.Certificate.RawData, pki.Ca.Certificate.RawData], result.Chain.Select(c => c.RawData));
        Assert.Empty(result.Messages);
        Assert.False(result.RevokedAfterSigning);
    }

    [Fact]
    public void Without_a_crl_the_validation_passes_but_says_revocation_was_not_checked()
    {
        var pki = TestPki.For(SignatureAlgorithm.Sm2WithSm3);

        var result = new CertificateValidator([pki.Ca.Certificate]).Validate(pki.SealMaker.Certificate, SigningTime);

        Assert.True(result.IsValid);
        Assert.Contains(result.Messages, m => m.Contains("revocation", StringComparison.Ordinal) && m.Contains("not checked", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Certificate_expired_at_signing_time_fails(SignatureAlgorithm algorithm)
    {
        var pki = TestPki.For(algorithm);

        // The department certificate is valid for two years from TestPki.Start.
        var result = new CertificateValidator([pki.Ca.Certificate]).Validate(pki.Department.Certificate, TestPki.Start.AddYears(2).AddSeconds(1));

        Assert.Equal(ValidationIndication.Failed, result.Indication);
        Assert.Equal(ValidationSubIndication.Expired, result.SubIndication);
        Assert.Contains("expired", Assert.Single(result.Messages), StringComparison.Ordinal);
        Assert.True(new CertificateValidator([pki.Ca.Certificate]).Validate(pki.Department.Certificate, TestPki.Start.AddYears(2)).IsValid);
    }

    [Fact]
    public void Certificate_not_yet_valid_at_signing_time_fails()
    {
        var pki = TestPki.For(SignatureAlgorithm.Sm2WithSm3);

        var result = new CertificateValidator([pki.Ca.Certificate]).Validate(pki.Department.Certificate, TestPki.Start.AddSeconds(-1));

        Assert.Equal(ValidationIndication.Failed, result.Indication);
        Assert.Equal(ValidationSubIndication.NotYetValid, result.SubIndication);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Revocation_before_signing_fails_and_after_signing_passes_visibly(SignatureAlgorithm algorithm)
    {
        var pki = TestPki.For(algorithm);
        var revokedAt = SigningTime.AddDays(1);
        var crl = pki.Ca.IssueCrl(
            [new RevokedCertificate(pki.Department.Certificate.SerialNumber, revokedAt, X509RevocationReason.KeyCompromise)],
            2, revokedAt.AddHours(1), revokedAt.AddDays(7));
        var validator = new CertificateValidator([pki.Ca.Certificate], revocationLists: [crl]);

        var before = validator.Validate(pki.Department.Certificate, SigningTime);
        var atRevocation = validator.Validate(pki.Department.Certificate, revokedAt);
        var after = validator.Validate(pki.Department.Certificate, revokedAt.AddSeconds(1));

        Assert.True(before.IsValid, before.ToString());
        Assert.True(before.RevokedAfterSigning);
        Assert.Equal(revokedAt, before.Revocation!.RevocationTime);
        Assert.Contains(before.Messages, m => m.Contains("after the signing time", StringComparison.Ordinal));
        Assert.Equal(ValidationSubIndication.Revoked, atRevocation.SubIndication);
        Assert.Equal(ValidationIndication.Failed, after.Indication);
        Assert.Equal(ValidationSubIndication.Revoked, after.SubIndication);
        Assert.Equal(X509RevocationReason.KeyCompromise, after.Revocation!.Reason);
        Assert.True(validator.Validate(pki.SealMaker.Certificate, revokedAt.AddDays(1)).IsValid);
    }

    [Fact]
    public void A_crl_older_than_the_signing_time_is_used_with_a_warning()
    {
        var pki = TestPki.For(SignatureAlgorithm.EcdsaP256WithSha256);
        var old = pki.Ca.IssueCrl([], 1, SigningTime.AddDays(-2), SigningTime.AddDays(5));

        var result = new CertificateValidator([pki.Ca.Certificate], revocationLists: [old]).Validate(pki.Department.Certificate, SigningTime);

        Assert.True(result.IsValid);
        Assert.Contains("before the signing time", Assert.Single(result.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public void A_crl_not_signed_by_the_issuer_is_ignored()
    {
        var pki = TestPki.For(SignatureAlgorithm.Sm2WithSm3);
        // Same issuer name, different key: a forged CRL must not revoke anything.
        var impostor = CertificateAuthority.CreateRoot("电子证照测试根CA", "电子证照测试", SignatureAlgorithm.Sm2WithSm3, TestPki.Start, TestPki.Start.AddYears(20));
        var forged = impostor.IssueCrl([new RevokedCertificate(pki.Department.Certificate.SerialNumber, TestPki.Start, X509RevocationReason.KeyCompromise)], 1, TestPki.Start, TestPki.Start.AddYears(1));

        var result = new CertificateValidator([pki.Ca.Certificate], revocationLists: [forged]).Validate(pki.Department.Certificate, SigningTime);

        Assert.True(result.IsValid, result.ToString());
        Assert.Contains(result.Messages, m => m.Contains("not checked", StringComparison.Ordinal));
    }

    [Fact]
    public void Certificate_of_an_untrusted_ca_has_no_chain()
    {
        var pki = TestPki.For(SignatureAlgorithm.Sm2WithSm3);
        var other = TestPki.For(SignatureAlgorithm.EcdsaP256WithSha256);

        var validator = new CertificateValidator([other.Ca.Certificate]);
        var leaf = validator.Validate(pki.Department.Certificate, SigningTime);
        var root = validator.Validate(pki.Ca.Certificate, SigningTime);

        Assert.Equal(ValidationIndication.Indeterminate, leaf.Indication);
        Assert.Equal(ValidationSubIndication.NoCertificateChainFound, leaf.SubIndication);
        Assert.Empty(leaf.Chain);
        Assert.Equal(ValidationSubIndication.NoCertificateChainFound, root.SubIndication);
        Assert.Contains("self-signed", Assert.Single(root.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_made_by_another_implementation_without_its_root_has_no_chain_and_does_not_throw()
    {
        // ofdrw's test signer, issued by "OFD Reader and WriterROOT Certificate", which is not in the file.
        var ofdrw = SigningKey.FromPkcs12(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Interop", "USER.p12")), "777777");
        var pki = TestPki.For(SignatureAlgorithm.Sm2WithSm3);

        var result = new CertificateValidator([pki.Ca.Certificate]).Validate(ofdrw.Certificate, new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(ValidationSubIndication.NoCertificateChainFound, result.SubIndication);
    }

    [Fact]
    public void Certificate_made_by_another_implementation_validates_when_trusted_directly()
    {
        var ofdrw = SigningKey.FromPkcs12(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Interop", "USER.p12")), "777777");
        var validator = new CertificateValidator([ofdrw.Certificate]);

        // Valid from 2020-04-21 to 2022-04-21.
        Assert.True(validator.Validate(ofdrw.Certificate, new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero)).IsValid);
        Assert.Equal(ValidationSubIndication.Expired, validator.Validate(ofdrw.Certificate, new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero)).SubIndication);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void A_leaf_used_as_a_ca_fails_chain_constraints(SignatureAlgorithm algorithm)
    {
        var pki = TestPki.For(algorithm);
        var grandchild = CertificateAuthority.Unchecked(pki.Department)
            .IssueSealMaker("伪造", "伪造", algorithm, TestPki.Start, TestPki.Start.AddYears(1));

        var result = new CertificateValidator([pki.Ca.Certificate], [pki.Department.Certificate]).Validate(grandchild.Certificate, SigningTime);

        Assert.Equal(ValidationIndication.Indeterminate, result.Indication);
        Assert.Equal(ValidationSubIndication.ChainConstraintsFailure, result.SubIndication);
        Assert.Equal(3, result.Chain.Count);
        Assert.Contains("not a CA", Assert.Single(result.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_usage_the_certificate_does_not_allow_fails_chain_constraints()
    {
        var pki = TestPki.For(SignatureAlgorithm.Sm2WithSm3);

        var result = new CertificateValidator([pki.Ca.Certificate]).Validate(pki.Department.Certificate, SigningTime, X509KeyUsageFlags.KeyEncipherment);

        Assert.Equal(ValidationSubIndication.ChainConstraintsFailure, result.SubIndication);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void A_tampered_certificate_signature_fails(SignatureAlgorithm algorithm)
    {
        var pki = TestPki.For(algorithm);
        var der = pki.Department.Certificate.RawData;
        // The last byte belongs to the signature value (for SM2/ECDSA the low byte of s, for RSA of the block).
        der[^1] ^= 0x01;
        var tampered = X509CertificateLoader.LoadCertificate(der);

        var result = new CertificateValidator([pki.Ca.Certificate]).Validate(tampered, SigningTime);

        Assert.Equal(ValidationIndication.Failed, result.Indication);
        Assert.Equal(ValidationSubIndication.SigCryptoFailure, result.SubIndication);
    }

    [Fact]
    public void A_tampered_certificate_body_fails()
    {
        var pki = TestPki.For(SignatureAlgorithm.Sm2WithSm3);
        var der = pki.Department.Certificate.RawData;
        var name = "重庆市"u8.ToArray();
        var at = der.AsSpan().IndexOf(name);
        "广东省"u8.CopyTo(der.AsSpan(at));

        var result = new CertificateValidator([pki.Ca.Certificate]).Validate(X509CertificateLoader.LoadCertificate(der), SigningTime);

        Assert.Equal(ValidationSubIndication.SigCryptoFailure, result.SubIndication);
    }

    [Fact]
    public void An_intermediate_ca_completes_the_path_and_its_revocation_counts()
    {
        var pki = TestPki.For(SignatureAlgorithm.Sm2WithSm3);
        var subCaKey = pki.Ca.IssueEndEntity(CertificateAuthority.Name(("C", "CN"), ("O", "电子证照测试"), ("CN", "二级CA")),
            SignatureAlgorithm.Sm2WithSm3, TestPki.Start, TestPki.Start.AddYears(10), isCa: true);
        var subCa = CertificateAuthority.FromSigningKey(subCaKey);
        var leaf = subCa.IssueDepartmentSigner("某局", TestPki.DepartmentCode, SignatureAlgorithm.Sm2WithSm3, TestPki.Start, TestPki.Start.AddYears(1));
        var rootCrl = pki.Ca.IssueCrl([new RevokedCertificate(subCaKey.Certificate.SerialNumber, SigningTime.AddDays(-1), X509RevocationReason.CACompromise)], 3, SigningTime, SigningTime.AddDays(7));

        var found = new CertificateValidator([pki.Ca.Certificate]).Validate(leaf.Certificate, SigningTime, otherCertificates: [subCaKey.Certificate]);
        var missing = new CertificateValidator([pki.Ca.Certificate]).Validate(leaf.Certificate, SigningTime);
        var revoked = new CertificateValidator([pki.Ca.Certificate], [subCaKey.Certificate], [rootCrl]).Validate(leaf.Certificate, SigningTime);

        Assert.True(found.IsValid, found.ToString());
        Assert.Equal(3, found.Chain.Count);
        Assert.Equal(ValidationSubIndication.NoCertificateChainFound, missing.SubIndication);
        Assert.Equal(ValidationSubIndication.Revoked, revoked.SubIndication);
        Assert.Equal(subCaKey.Certificate.SerialNumber, revoked.Revocation!.SerialNumber);
    }

    [Fact]
    public void The_trust_anchor_itself_is_valid_for_certificate_signing()
    {
        var pki = TestPki.For(SignatureAlgorithm.EcdsaP256WithSha256);

        var result = new CertificateValidator([pki.Ca.Certificate]).Validate(pki.Ca.Certificate, SigningTime, X509KeyUsageFlags.KeyCertSign);

        Assert.True(result.IsValid, result.ToString());
        Assert.Single(result.Chain);
    }
}
