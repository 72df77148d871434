using System.Formats.Asn1;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static ElectronicLicense.Seals.Tests.Ses.SesTestData;

namespace ElectronicLicense.Seals.Tests.Ses;

[Properties(Arbitrary = new[] { typeof(SesSignatureArbitraries) })]
public class SesSignatureTests
{
    private static readonly Lazy<byte[]> OfdrwSignature = new(() =>
    {
        var files = Unzip("allprotected.ofd");
        return files[FirstSignature(files).SignedValue];
    });

    // One signature for every case, as the property was written: its TBS_Sign ends at CreatedTbsEnd.
    private static readonly Lazy<(byte[] Encoded, int TbsEnd)> CreatedSignature = new(() =>
    {
        var signature = SesSignature.Create(MakeSeal(), new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), new byte[32], "/Doc_0/Signs/Sign_0/Signature.xml", UserKey);
        var original = signature.Encoded.ToArray();
        var tbsEnd = original.Length - new AsnReader(signature.Encoded, AsnEncodingRules.DER).PeekContentBytes().Length + signature.ToSignBytes.Length;
        return (original, tbsEnd);
    });

    /// <summary>The end of the TBS_Sign of the signature the created-signature property flips bytes in.</summary>
    internal static int CreatedTbsEnd => CreatedSignature.Value.TbsEnd;

    [Theory]
    [InlineData("SESV4SignDoc.ofd", "2026-08-04T02:08:09Z")]
    [InlineData("allprotected.ofd", "2020-10-23T11:45:37Z")]
    public void Ofdrw_v4_seal_signature_decodes_and_verifies(string ofd, string time)
    {
        var files = Unzip(ofd);
        var (signatureXml, type, signedValue, sealPath) = FirstSignature(files);
        Assert.Equal("Seal", type);
        Assert.Equal("/Doc_0/Signs/Sign_0/Signature.xml", signatureXml);

        Assert.True(SesSignature.TryDecode(files[signedValue], out var signature, out var error), error);

        Assert.Equal(SesVersion.V4, signature.Version);
        Assert.Equal(4, signature.TbsVersion);
        Assert.Equal(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture), signature.TimeInfo);
        Assert.Equal(Oids.Sm2WithSm3, signature.SignatureAlgorithmOid);
        Assert.Null(signature.TimeStamp);
        Assert.True(signature.VerifySignature());

        // GB/T 38540 / GB/T 33190: dataHash is the SM3 of Signature.xml, propertyInfo its path.
        Assert.Equal(Sm3.Hash(files[signatureXml]), signature.DataHash.ToArray());
        Assert.Equal(signatureXml, signature.PropertyInfo);

        // The embedded seal is the package's Seal.esl byte for byte, and intact.
        Assert.NotNull(sealPath);
        Assert.Equal(files[sealPath], signature.Seal.Encoded.ToArray());
        Assert.Equal(SesVersion.V4, signature.Seal.Version);
        Assert.True(signature.Seal.VerifyMakerSignature());
        Assert.True(signature.Seal.ListsSigner(signature.SignerCertificate));
        Assert.True(signature.Seal.IsValidAt(signature.TimeInfo!.Value) || signature.TimeInfo > signature.Seal.ValidEnd);

        // Re-encoding the decoded structure reproduces the file.
        var writer = new AsnWriter(AsnEncodingRules.DER);
        signature.Asn.Encode(writer);
        Assert.Equal(files[signedValue], writer.Encode());
        writer.Reset();
        signature.Asn.ToSign.Encode(writer);
        Assert.Equal(signature.ToSignBytes.ToArray(), writer.Encode());
    }

    [Fact]
    public void Ofdrw_v4_signature_verifies_with_openssl()
    {
        var files = Unzip("SESV4SignDoc.ofd");
        Assert.True(SesSignature.TryDecode(files[FirstSignature(files).SignedValue], out var signature, out _));

        AssertOpenSslVerifies(signature.SignerCertificate.RawData, signature.ToSignBytes.ToArray(), signature.SignatureValue.ToArray());
    }

    // Bytes 4 … end of TBS_Sign (offset 4, length 17105): the signed part.
    [Property]
    public bool Any_flipped_byte_in_an_ofdrw_signature_fails_decoding_or_verification(OfdrwSignatureFlip flip)
    {
        var copy = (byte[])OfdrwSignature.Value.Clone();
        copy[flip.Offset] ^= (byte)flip.Mask;
        return !SesSignature.TryDecode(copy, out var changed, out _) || !changed.VerifySignature();
    }

    [Fact]
    public void DigitalSign_ofd_is_a_bare_sm2_signature_over_Signature_xml()
    {
        // Type="Sign": no SES_Signature, SignedValue.dat is DER SEQUENCE{r, s} by the USER.p12 key (the OFD verifier's
        // concern; this test only records the format).
        var files = Unzip("DigitalSign.ofd");
        var (signatureXml, type, signedValue, sealPath) = FirstSignature(files);
        Assert.Equal("Sign", type);
        Assert.Null(sealPath);
        Assert.False(SesSignature.TryDecode(files[signedValue], out _, out _));

        Assert.True(SignatureVerifier.Verify(UserKey.Certificate, Oids.Sm2WithSm3, files[signatureXml], files[signedValue]));
        Assert.False(SignatureVerifier.Verify(UserKey.Certificate, Oids.Sm2WithSm3, files["/OFD.xml"], files[signedValue]));
    }

    [Fact]
    public void Created_signature_round_trips_and_verifies()
    {
        var seal = MakeSeal();
        var hash = Sm3.Hash("<ofd:Signature/>"u8);
        var time = new DateTimeOffset(2026, 5, 6, 7, 8, 9, 500, TimeSpan.FromHours(8));

        var signature = SesSignature.Create(seal, time, hash, "/Doc_0/Signs/Sign_0/Signature.xml", UserKey);

        Assert.True(SesSignature.TryDecode(signature.Encoded, out var decoded, out var error), error);
        Assert.Equal(SesVersion.V4, decoded.Version);
        Assert.Equal(4, decoded.TbsVersion);
        Assert.Equal(new DateTimeOffset(2026, 5, 5, 23, 8, 9, TimeSpan.Zero), decoded.TimeInfo);
        Assert.Equal(hash, decoded.DataHash.ToArray());
        Assert.Equal("/Doc_0/Signs/Sign_0/Signature.xml", decoded.PropertyInfo);
        Assert.Equal(UserKey.Certificate.RawData, decoded.SignerCertificate.RawData);
        Assert.Equal(Oids.Sm2WithSm3, decoded.SignatureAlgorithmOid);
        Assert.Equal(seal.Encoded.ToArray(), decoded.Seal.Encoded.ToArray());
        Assert.True(decoded.VerifySignature());
        Assert.True(decoded.Seal.VerifyMakerSignature());

        AssertOpenSslVerifies(decoded.SignerCertificate.RawData, decoded.ToSignBytes.ToArray(), decoded.SignatureValue.ToArray());
    }

    [Fact]
    public void Created_signature_uses_the_same_layout_as_ofdrw()
    {
        var files = Unzip("SESV4SignDoc.ofd");
        Assert.True(SesSignature.TryDecode(files[FirstSignature(files).SignedValue], out var sample, out _));
        Assert.True(SesSeal.TryDecode(Interop("UserV4.esl"), out var ofdrwSeal, out _));

        var ours = SesSignature.Create(ofdrwSeal, sample.TimeInfo!.Value, sample.DataHash.ToArray(), sample.PropertyInfo, UserKey);

        // Same seal, time, hash, path and signer: TBS_Sign is identical, so only the (randomised) SM2 value differs.
        Assert.Equal(sample.ToSignBytes.ToArray(), ours.ToSignBytes.ToArray());
        Assert.Equal(sample.Encoded.Length - sample.SignatureValue.Length, ours.Encoded.Length - ours.SignatureValue.Length);
    }

    [Property]
    public bool Any_flipped_byte_of_a_created_signature_fails_decoding_or_verification(CreatedSignatureFlip flip)
    {
        var copy = (byte[])CreatedSignature.Value.Encoded.Clone();
        copy[flip.Offset] ^= (byte)flip.Mask;
        return !SesSignature.TryDecode(copy, out var changed, out _) || !changed.VerifySignature();
    }

    [Fact]
    public void Create_refuses_non_sm2_keys_v1_seals_and_unlisted_signers()
    {
        var seal = MakeSeal();
        var hash = new byte[32];
        const string path = "/Doc_0/Signs/Sign_0/Signature.xml";
        Assert.True(SesSeal.TryDecode(Interop("UserV1.esl"), out var v1, out _));

        Assert.Contains("SM2", Assert.Throws<ArgumentException>(() => SesSignature.Create(seal, default, hash, path, NewEcdsaKey())).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SesSignature.Create(v1, default, hash, path, UserKey));
        Assert.Throws<ArgumentException>(() => SesSignature.Create(seal, default, hash, path, NewSm2Key()));
        Assert.Throws<ArgumentException>(() => SesSignature.Create(seal, default, hash, "/Doc_0/签名.xml", UserKey));
        Assert.Throws<ArgumentException>(() => SesSignature.Create(seal, default, [], path, UserKey));
    }

    [Fact]
    public void Version_1_signature_decodes_and_verifies()
    {
        // ofdrw's GM/T 0031 layout: SES_Signature{TBS_Sign{1, v1 seal, timeInfo BIT STRING, dataHash, propertyInfo, cert, alg}, signature}.
        Assert.True(SesSeal.TryDecode(Interop("UserV1.esl"), out var seal, out _));
        var hash = Sm3.Hash("signed file"u8);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteInteger(1);
        writer.WriteEncodedValue(seal.Encoded.Span);
        writer.WriteBitString("2020-04-22 16:22:44"u8);
        writer.WriteBitString(hash);
        writer.WriteCharacterString(UniversalTagNumber.IA5String, "/Doc_0/Signs/Sign_0/Signature.xml");
        writer.WriteOctetString(UserKey.Certificate.RawData);
        writer.WriteObjectIdentifier(Oids.Sm2WithSm3);
        writer.PopSequence();
        var tbs = writer.Encode();
        writer.Reset();
        writer.PushSequence();
        writer.WriteEncodedValue(tbs);
        writer.WriteBitString(UserKey.Sign(tbs));
        writer.PopSequence();

        Assert.True(SesSignature.TryDecode(writer.Encode(), out var signature, out var error), error);

        Assert.Equal(SesVersion.V1, signature.Version);
        Assert.Equal(SesVersion.V1, signature.Seal.Version);
        Assert.Equal(new DateTimeOffset(2020, 4, 22, 16, 22, 44, TimeSpan.FromHours(8)), signature.TimeInfo);
        Assert.Equal(hash, signature.DataHash.ToArray());
        Assert.Equal(UserKey.Certificate.RawData, signature.SignerCertificate.RawData);
        Assert.True(signature.VerifySignature());
        Assert.True(signature.Seal.VerifyMakerSignature());
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("2020-04-22 16:22:44", "2020-04-22T08:22:44Z")]
    [InlineData("20200422082244Z", "2020-04-22T08:22:44Z")]
    [InlineData("200422082244Z", "2020-04-22T08:22:44Z")]
    [InlineData("yesterday", null)]
    public void Version_1_time_info_forms(string text, string? expected)
    {
        var parsed = SesSignature.ParseV1Time(System.Text.Encoding.ASCII.GetBytes(text));

        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), parsed);
    }

    [Fact]
    public void Version_1_time_info_as_der_utc_time()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteUtcTime(new DateTimeOffset(2020, 4, 22, 8, 22, 44, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2020, 4, 22, 8, 22, 44, TimeSpan.Zero), SesSignature.ParseV1Time(writer.Encode()));
    }
}

public sealed record OfdrwSignatureFlip(int Offset, int Mask);

public sealed record CreatedSignatureFlip(int Offset, int Mask);

internal static class SesSignatureArbitraries
{
    public static Arbitrary<OfdrwSignatureFlip> OfdrwSignatureFlip() =>
        Gen.Choose(4, 4 + 17105 - 1).Zip(Gen.Choose(1, 255)).Select(f => new OfdrwSignatureFlip(f.Item1, f.Item2)).ToArbitrary();

    public static Arbitrary<CreatedSignatureFlip> CreatedSignatureFlip() =>
        Gen.Choose(0, SesSignatureTests.CreatedTbsEnd - 1).Zip(Gen.Choose(1, 255)).Select(f => new CreatedSignatureFlip(f.Item1, f.Item2)).ToArbitrary();
}
