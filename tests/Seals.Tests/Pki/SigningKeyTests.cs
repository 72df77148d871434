using System.Security.Cryptography;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Seals.Tests.Pki;

public class SigningKeyTests
{
    // Test fixture: ofdrw's public TEST signer key (see ../shared/interop/ofd/README.md), password 777777.
    private static readonly byte[] OfdrwTestKey = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Interop", "USER.p12"));

    [Fact]
    public void Pkcs12_from_another_implementation_loads_as_an_sm2_key_that_signs_verifiably()
    {
        var key = SigningKey.FromPkcs12(OfdrwTestKey, "777777");

        Assert.Equal(SignatureAlgorithm.Sm2WithSm3, key.Algorithm);
        Assert.Contains("Test Certificate", key.Certificate.Subject, StringComparison.Ordinal);
        var signature = key.Sign("data"u8);
        Assert.True(SignatureVerifier.Verify(key.Certificate, Oids.Sm2WithSm3, "data"u8, signature));
        Assert.False(SignatureVerifier.Verify(key.Certificate, Oids.Sm2WithSm3, "date"u8, signature));
        Assert.False(SignatureVerifier.Verify(key.Certificate, Oids.EcdsaWithSha256, "data"u8, signature));
    }

    [Fact]
    public void Wrong_password_gives_an_error_that_reveals_nothing()
    {
        var error = Assert.Throws<CryptographicException>(() => SigningKey.FromPkcs12(OfdrwTestKey, "123456"));
        Assert.DoesNotContain("123456", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("777777", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public void Export_then_import_keeps_the_key()
    {
        var key = SigningKey.FromPkcs12(OfdrwTestKey, "777777");

        var again = SigningKey.FromPkcs12(key.ExportPkcs12("another password"), "another password");

        Assert.Equal(key.Certificate.RawData, again.Certificate.RawData);
        Assert.True(SignatureVerifier.Verify(key.Certificate, Oids.Sm2WithSm3, "x"u8, again.Sign("x"u8)));
    }
}
