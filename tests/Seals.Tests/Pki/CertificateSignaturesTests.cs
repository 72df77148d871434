using ElectronicLicense.Seals.Pki;
using Org.BouncyCastle.X509;

namespace ElectronicLicense.Seals.Tests.Pki;

/// <summary>Certificate signatures are remembered once verified; a certificate changed in any byte is verified afresh and fails.</summary>
public sealed class CertificateSignaturesTests
{
    [Theory]
    [InlineData(SignatureAlgorithm.Sm2WithSm3)]
    [InlineData(SignatureAlgorithm.EcdsaP256WithSha256)]
    public void A_remembered_success_does_not_vouch_for_an_altered_certificate(SignatureAlgorithm algorithm)
    {
        var pki = TestPki.For(algorithm);
        var issuer = pki.Ca.Key.BcCertificateValue;
        var genuine = pki.Department.BcCertificateValue;
        var other = TestPki.For(algorithm == SignatureAlgorithm.Sm2WithSm3 ? SignatureAlgorithm.EcdsaP256WithSha256 : SignatureAlgorithm.Sm2WithSm3).Ca.Key.BcCertificateValue;

        Assert.True(CertificateSignatures.Verify(issuer, genuine));
        Assert.True(CertificateSignatures.Verify(issuer, genuine));   // remembered
        Assert.False(CertificateSignatures.Verify(other, genuine));    // same certificate, another issuer key

        var encoded = genuine.GetEncoded();
        for (var i = 0; i < 20; i++)
        {
            var altered = (byte[])encoded.Clone();
            var position = encoded.Length / 3 + i * 7;   // inside the to-be-signed part and the signature
            altered[position] ^= 0x01;
            X509Certificate parsed;
            try
            {
                parsed = new X509CertificateParser().ReadCertificate(altered);
            }
            catch (Exception e) when (e is Org.BouncyCastle.Security.Certificates.CertificateException or IOException or ArgumentException or InvalidOperationException)
            {
                continue;   // no longer a certificate at all
            }

            if (parsed is not null)
            {
                Assert.False(CertificateSignatures.Verify(issuer, parsed), $"byte {position} flipped");
            }
        }
    }
}
