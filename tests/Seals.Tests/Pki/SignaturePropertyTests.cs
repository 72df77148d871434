using ElectronicLicense.Seals.Pki;
using FsCheck;
using FsCheck.Fluent;

namespace ElectronicLicense.Seals.Tests.Pki;

public class SignaturePropertyTests
{
    private static readonly Arbitrary<(byte[] Data, int Index, byte Mask)> Cases =
        (from data in ArbMap.Default.GeneratorFor<byte[]>().Where(d => d.Length > 0)
         from index in Gen.Choose(0, data.Length - 1)
         from mask in Gen.Choose(1, 255)
         select (data, index, (byte)mask)).ToArbitrary();

    [Theory]
    [InlineData(SignatureAlgorithm.Sm2WithSm3)]
    [InlineData(SignatureAlgorithm.EcdsaP256WithSha256)]
    public void Signature_verifies_for_the_signed_data_and_fails_for_any_changed_byte(SignatureAlgorithm algorithm)
    {
        var key = TestPki.For(algorithm).Department;

        Prop.ForAll(Cases, c =>
        {
            var signature = key.Sign(c.Data);
            var changed = (byte[])c.Data.Clone();
            changed[c.Index] ^= c.Mask;
            var changedSignature = (byte[])signature.Clone();
            changedSignature[c.Index % signature.Length] ^= c.Mask;

            return SignatureVerifier.Verify(key.Certificate, algorithm.Oid(), c.Data, signature)
                   && !SignatureVerifier.Verify(key.Certificate, algorithm.Oid(), changed, signature)
                   && !SignatureVerifier.Verify(key.Certificate, algorithm.Oid(), c.Data, changedSignature);
        }).QuickCheckThrowOnFailure();
    }
}
