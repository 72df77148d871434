using ElectronicLicense.Seals.Pki;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ElectronicLicense.Seals.Tests.Pki;

[Properties(Arbitrary = new[] { typeof(SignaturePropertyArbitraries) })]
public class SignaturePropertyTests
{
    [Property]
    public bool Sm2_signature_verifies_for_the_signed_data_and_fails_for_any_changed_byte(ChangedByte c) =>
        VerifiesOnlyUnchanged(SignatureAlgorithm.Sm2WithSm3, c);

    [Property]
    public bool Ecdsa_p256_signature_verifies_for_the_signed_data_and_fails_for_any_changed_byte(ChangedByte c) =>
        VerifiesOnlyUnchanged(SignatureAlgorithm.EcdsaP256WithSha256, c);

    private static bool VerifiesOnlyUnchanged(SignatureAlgorithm algorithm, ChangedByte c)
    {
        var key = TestPki.For(algorithm).Department;
        var signature = key.Sign(c.Data);
        var changed = (byte[])c.Data.Clone();
        changed[c.Index] ^= c.Mask;
        var changedSignature = (byte[])signature.Clone();
        changedSignature[c.Index % signature.Length] ^= c.Mask;

        return SignatureVerifier.Verify(key.Certificate, algorithm.Oid(), c.Data, signature)
               && !SignatureVerifier.Verify(key.Certificate, algorithm.Oid(), changed, signature)
               && !SignatureVerifier.Verify(key.Certificate, algorithm.Oid(), c.Data, changedSignature);
    }
}

/// <summary>Non-empty data, a position inside it and a non-zero XOR mask for that byte.</summary>
public sealed record ChangedByte(byte[] Data, int Index, byte Mask)
{
    public override string ToString() => $"ChangedByte {{ Data = {Convert.ToHexString(Data)}, Index = {Index}, Mask = {Mask} }}";
}

internal static class SignaturePropertyArbitraries
{
    public static Arbitrary<ChangedByte> ChangedByte() =>
        (from data in ArbMap.Default.GeneratorFor<byte[]>().Where(d => d.Length > 0)
         from index in Gen.Choose(0, data.Length - 1)
         from mask in Gen.Choose(1, 255)
         select new ChangedByte(data, index, (byte)mask)).ToArbitrary();
}
