using ElectronicLicense.Seals.Ses;
using ElectronicLicense.Seals.Tests.Ofd;

namespace ElectronicLicense.Seals.Tests.Ses;

public class SesCryptoTests
{
    [Fact]
    public void A_certificate_loaded_again_is_the_callers_own_instance()
    {
        var der = OfdSigningFixture.Parties[0].Signer.Certificate.RawData;

        Assert.True(SesCrypto.TryLoadCertificate(der, out var first));
        Assert.True(SesCrypto.TryLoadCertificate(der, out var second));
        Assert.NotSame(first, second);
        first!.Dispose();

        // The copy remembered for later loads must not be disposed with an instance handed out.
        Assert.Equal(der, second!.RawData);
        Assert.True(SesCrypto.TryLoadCertificate(der, out var third));
        Assert.Equal(OfdSigningFixture.Parties[0].Signer.Certificate.Subject, third!.Subject);
    }

    [Fact]
    public void A_certificate_with_one_byte_changed_is_loaded_from_its_own_bytes()
    {
        var der = OfdSigningFixture.Parties[0].Signer.Certificate.RawData;
        Assert.True(SesCrypto.TryLoadCertificate(der, out _));
        var changed = (byte[])der.Clone();
        changed[^5] ^= 0x01;

        Assert.True(SesCrypto.TryLoadCertificate(changed, out var loaded));
        Assert.Equal(changed, loaded!.RawData);
        Assert.False(SesCrypto.TryLoadCertificate(der.AsMemory(0, der.Length - 1), out _));
    }
}
