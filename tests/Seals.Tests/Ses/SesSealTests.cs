using System.Formats.Asn1;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static ElectronicLicense.Seals.Tests.Ses.SesTestData;

namespace ElectronicLicense.Seals.Tests.Ses;

[Properties(Arbitrary = new[] { typeof(SesSealArbitraries) })]
public class SesSealTests
{
    [Fact]
    public void UserV4_from_ofdrw_decodes_as_a_version_4_seal()
    {
        Assert.True(SesSeal.TryDecode(Interop("UserV4.esl"), out var seal, out var error), error);

        Assert.Equal(SesVersion.V4, seal.Version);
        Assert.Equal("ES", seal.HeaderId);
        Assert.Equal(4, seal.HeaderVersion);
        Assert.Equal("OFDR&WTest", seal.VendorId);
        Assert.Equal("51f044b76510434e9bc67a1185c2fba5", seal.EsId);
        Assert.Equal(3, seal.SealType);
        Assert.Equal("OFD R&W 测试用印章", seal.Name);
        Assert.Equal(SesCertListType.Certificates, seal.CertListType);
        Assert.Single(seal.CertList);
        Assert.Empty(seal.CertDigests);
        Assert.Equal(new DateTimeOffset(2020, 4, 22, 2, 9, 0, TimeSpan.Zero), seal.CreateDate);
        Assert.Equal(new DateTimeOffset(2020, 4, 22, 2, 9, 0, TimeSpan.Zero), seal.ValidStart);
        Assert.Equal(new DateTimeOffset(2022, 4, 22, 2, 9, 0, TimeSpan.Zero), seal.ValidEnd);
        Assert.Equal("PNG", seal.PictureType);
        Assert.Equal(Interop("StampImg.png"), seal.PictureData.ToArray());
        Assert.Equal(40, seal.PictureWidthMm);
        Assert.Equal(40, seal.PictureHeightMm);
        Assert.False(seal.HasExtDatas);
        Assert.Equal(Oids.Sm2WithSm3, seal.SignatureAlgorithmOid);
        Assert.Contains("Test Certificate", seal.MakerCertificate.Subject, StringComparison.Ordinal);
        Assert.Equal(Interop("UserV4.esl"), seal.Encoded.ToArray());
        Assert.True(seal.VerifyMakerSignature());
    }

    [Fact]
    public void UserV1_from_ofdrw_decodes_as_a_version_1_seal_and_verifies_over_info_cert_and_algorithm()
    {
        Assert.True(SesSeal.TryDecode(Interop("UserV1.esl"), out var seal, out var error), error);

        Assert.Equal(SesVersion.V1, seal.Version);
        Assert.Equal(1, seal.HeaderVersion);
        Assert.Equal("40C8CDD24DEF43388B86E62CCE1D6832", seal.EsId);
        Assert.Equal("OFDRW测试用印章", seal.Name);
        Assert.Equal(SesCertListType.Certificates, seal.CertListType);
        Assert.Single(seal.CertList);
        Assert.Equal(new DateTimeOffset(2020, 4, 22, 2, 18, 7, TimeSpan.Zero), seal.CreateDate);
        Assert.Equal(new DateTimeOffset(2022, 4, 22, 2, 18, 7, TimeSpan.Zero), seal.ValidEnd);
        Assert.Equal(40, seal.PictureWidthMm);
        Assert.True(seal.VerifyMakerSignature());

        // GM/T 0031: the signature does not cover SES_SealInfo alone.
        Assert.False(SignatureVerifier.Verify(seal.MakerCertificate, Oids.Sm2WithSm3, seal.SealInfoEncoded.Span, seal.SignedValue.Span));
    }

    [Fact]
    public void UserV4_is_not_signed_over_the_v1_style_sequence()
    {
        Assert.True(SesSeal.TryDecode(Interop("UserV4.esl"), out var seal, out _));
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteEncodedValue(seal.SealInfoEncoded.Span);
        writer.WriteOctetString(seal.MakerCertificate.RawData);
        writer.WriteObjectIdentifier(Oids.Sm2WithSm3);
        writer.PopSequence();

        Assert.False(SignatureVerifier.Verify(seal.MakerCertificate, Oids.Sm2WithSm3, writer.Encode(), seal.SignedValue.Span));
    }

    [Theory]
    [InlineData("UserV4.esl")]
    [InlineData("UserV1.esl")]
    public void Reencoding_an_interop_seal_reproduces_its_bytes(string file)
    {
        var original = Interop(file);
        Assert.True(SesSeal.TryDecode(original, out var seal, out _));

        // Re-encode the SES_SealInfo from its decoded fields, not from the kept bytes.
        var writer = new AsnWriter(AsnEncodingRules.DER);
        seal.Asn.SealInfo.Encode(writer, seal.Asn.Version);
        Assert.Equal(seal.SealInfoEncoded.ToArray(), writer.Encode());

        writer.Reset();
        seal.Asn.Encode(writer);
        Assert.Equal(original, writer.Encode());
    }

    [Property]
    public bool Any_flipped_byte_in_the_signed_part_of_the_UserV4_interop_seal_fails(UserV4SealInfoFlip flip) =>
        FlippedSealInfoFails("UserV4.esl", flip.Offset, flip.Mask);

    [Property]
    public bool Any_flipped_byte_in_the_signed_part_of_the_UserV1_interop_seal_fails(UserV1SealInfoFlip flip) =>
        FlippedSealInfoFails("UserV1.esl", flip.Offset, flip.Mask);

    /// <summary>Both interop files: SEQUENCE header of 4 bytes, then SES_SealInfo.</summary>
    internal const int InteropSealInfoStart = 4;

    /// <summary>The length of the SES_SealInfo of an interop seal file.</summary>
    internal static int InteropSealInfoLength(string file)
    {
        Assert.True(SesSeal.TryDecode(Interop(file), out var seal, out _));
        return seal.SealInfoEncoded.Length;
    }

    private static bool FlippedSealInfoFails(string file, int offset, int mask)
    {
        var original = Interop(file);
        Assert.True(SesSeal.TryDecode(original, out _, out _));
        var copy = (byte[])original.Clone();
        copy[offset] ^= (byte)mask;
        return !SesSeal.TryDecode(copy, out var changed, out _) || !changed.VerifyMakerSignature();
    }

    [Fact]
    public void Validity_is_inclusive_of_both_ends()
    {
        Assert.True(SesSeal.TryDecode(Interop("UserV4.esl"), out var seal, out _));

        Assert.True(seal.IsValidAt(seal.ValidStart));
        Assert.True(seal.IsValidAt(seal.ValidEnd));
        Assert.False(seal.IsValidAt(seal.ValidStart.AddSeconds(-1)));
        Assert.False(seal.IsValidAt(seal.ValidEnd.AddSeconds(1)));
    }

    [Fact]
    public void ListsSigner_finds_the_listed_certificate_only()
    {
        Assert.True(SesSeal.TryDecode(Interop("UserV4.esl"), out var v4, out _));
        Assert.True(SesSeal.TryDecode(Interop("UserV1.esl"), out var v1, out _));

        Assert.True(v4.ListsSigner(UserKey.Certificate));
        Assert.True(v1.ListsSigner(UserKey.Certificate));
        Assert.False(v4.ListsSigner(v4.MakerCertificate));
        Assert.False(v4.ListsSigner(NewSm2Key().Certificate));
    }

    [Theory]
    [InlineData("SM3")]
    [InlineData("sm3")]
    [InlineData("1.2.156.10197.1.401")]
    [InlineData("SHA-256")]
    public void ListsSigner_matches_a_digest_list(string type)
    {
        Assert.True(SesSeal.TryDecode(Interop("UserV4.esl"), out var template, out _));
        var signer = UserKey.Certificate.RawData;
        var digest = type.StartsWith("SHA", StringComparison.Ordinal)
            ? System.Security.Cryptography.SHA256.HashData(signer)
            : Sm3.Hash(signer);
        var seal = WithDigestList(template, type, digest);

        Assert.Equal(SesCertListType.Digests, seal.CertListType);
        Assert.Empty(seal.CertList);
        Assert.Equal(type, Assert.Single(seal.CertDigests).Type);
        Assert.True(seal.ListsSigner(UserKey.Certificate));
        Assert.False(seal.ListsSigner(NewSm2Key().Certificate));
        Assert.False(WithDigestList(template, "MD5", digest).ListsSigner(UserKey.Certificate));
    }

    /// <summary>Rebuilds a seal with a certListType 2 list and a fresh maker signature.</summary>
    private static SesSeal WithDigestList(SesSeal template, string type, byte[] digest)
    {
        var info = template.Asn.SealInfo;
        var property = info.Property;
        var changed = new ElectronicLicense.Seals.Ses.Asn.SesSealInfoAsn
        {
            Header = info.Header,
            EsId = info.EsId,
            Picture = info.Picture,
            Property = new ElectronicLicense.Seals.Ses.Asn.SesPropertyAsn
            {
                Type = property.Type,
                Name = property.Name,
                CertListType = SesCertListType.Digests,
                CertDigests = [new ElectronicLicense.Seals.Ses.Asn.CertDigestAsn { Type = type, Value = digest }],
                CreateDate = property.CreateDate,
                ValidStart = property.ValidStart,
                ValidEnd = property.ValidEnd,
            },
        };
        var writer = new AsnWriter(AsnEncodingRules.DER);
        changed.Encode(writer, 4);
        var infoDer = writer.Encode();
        var asn = new ElectronicLicense.Seals.Ses.Asn.SesSealAsn
        {
            Version = 4,
            SealInfo = changed,
            SealInfoEncoded = infoDer,
            Cert = UserKey.Certificate.RawData,
            SignatureAlgorithm = Oids.Sm2WithSm3,
            SignedValue = UserKey.Sign(infoDer),
        };
        writer.Reset();
        asn.Encode(writer);
        Assert.True(SesSeal.TryDecode(writer.Encode(), out var seal, out var error), error);
        Assert.True(seal.VerifyMakerSignature());
        return seal;
    }

    [Fact]
    public void Created_seal_has_the_described_fields_and_a_valid_maker_signature()
    {
        var seal = MakeSeal();

        Assert.Equal(SesVersion.V4, seal.Version);
        Assert.Equal("ES", seal.HeaderId);
        Assert.Equal(4, seal.HeaderVersion);
        Assert.Equal("ELIC", seal.VendorId);
        Assert.Equal("11010000000001", seal.EsId);
        Assert.Equal(SesSealType.Official, seal.SealType);
        Assert.Equal("某市市场监督管理局电子证照专用章", seal.Name);
        Assert.Equal(UserKey.Certificate.RawData, Assert.Single(seal.CertList).ToArray());
        Assert.Equal("png", seal.PictureType);
        Assert.Equal(42, seal.PictureWidthMm);
        Assert.False(seal.HasExtDatas);
        Assert.True(seal.VerifyMakerSignature());
        Assert.True(seal.ListsSigner(UserKey.Certificate));
    }

    [Fact]
    public void Created_seal_uses_the_same_asn1_forms_as_UserV4()
    {
        // Same tags and string types, field by field: compare the openssl-style structure of both encodings.
        Assert.True(SesSeal.TryDecode(Interop("UserV4.esl"), out var sample, out _));
        var ours = MakeSeal();

        Assert.Equal(TagSkeleton(sample.Encoded), TagSkeleton(ours.Encoded));
    }

    /// <summary>The tag of every element, depth first, ignoring values.</summary>
    private static string TagSkeleton(ReadOnlyMemory<byte> der)
    {
        var tags = new List<string>();
        Walk(new AsnReader(der, AsnEncodingRules.DER), tags, 0);
        return string.Join(",", tags);

        static void Walk(AsnReader reader, List<string> tags, int depth)
        {
            while (reader.HasData)
            {
                var tag = reader.PeekTag();
                tags.Add($"{depth}:{tag}");
                var encoded = reader.ReadEncodedValue();

                // Certificates and pictures are values, not structure.
                if (tag.IsConstructed && depth < 6)
                {
                    var inner = new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence(tag);
                    Walk(inner, tags, depth + 1);
                }
            }
        }
    }

    [Fact]
    public void Created_seal_maker_signature_verifies_with_openssl()
    {
        var seal = MakeSeal();

        AssertOpenSslVerifies(seal.MakerCertificate.RawData, seal.SealInfoEncoded.ToArray(), seal.SignedValue.ToArray());
    }

    [Fact]
    public void Interop_v4_seal_maker_signature_verifies_with_openssl()
    {
        Assert.True(SesSeal.TryDecode(Interop("UserV4.esl"), out var seal, out _));

        AssertOpenSslVerifies(seal.MakerCertificate.RawData, seal.SealInfoEncoded.ToArray(), seal.SignedValue.ToArray());
    }

    [Property(MaxTest = 60)]
    public bool Created_seals_round_trip_and_any_flipped_byte_of_the_seal_info_is_caught(CreatedSealCase c)
    {
        var seal = SesSeal.Create(
            new SesSealDescription
            {
                EsId = "ID-" + c.Flip,
                SealType = c.Type,
                Name = c.Name,
                SignerCertificates = [UserKey.Certificate],
                CreateDate = c.Start,
                ValidStart = c.Start,
                ValidEnd = c.Start.AddDays(c.Days),
                PicturePng = c.Picture,
                PictureWidthMm = 40,
                PictureHeightMm = 40,
            },
            UserKey);

        Assert.True(SesSeal.TryDecode(seal.Encoded, out var decoded, out var error), error);
        Assert.Equal(seal.Encoded.ToArray(), decoded.Encoded.ToArray());
        Assert.Equal(c.Name, decoded.Name);
        Assert.Equal(c.Type, decoded.SealType);
        Assert.Equal("ID-" + c.Flip, decoded.EsId);
        Assert.Equal(c.Start, decoded.ValidStart);
        Assert.Equal(c.Start, decoded.CreateDate);
        Assert.Equal(c.Start.AddDays(c.Days), decoded.ValidEnd);
        Assert.Equal(c.Picture, decoded.PictureData.ToArray());
        Assert.True(decoded.VerifyMakerSignature());

        var writer = new AsnWriter(AsnEncodingRules.DER);
        decoded.Asn.Encode(writer);
        Assert.Equal(seal.Encoded.ToArray(), writer.Encode());

        // SESeal header is 2–4 bytes + SES_SealInfo; flip one byte inside SES_SealInfo.
        var bytes = seal.Encoded.ToArray();
        var infoStart = bytes.Length - new AsnReader(seal.Encoded, AsnEncodingRules.DER).PeekContentBytes().Length;
        var offset = infoStart + (c.Flip % seal.SealInfoEncoded.Length);
        bytes[offset] ^= (byte)(1 + (c.Flip % 255));
        return !SesSeal.TryDecode(bytes, out var changed, out _) || !changed.VerifyMakerSignature();
    }

    [Fact]
    public void Dates_are_kept_in_whole_seconds()
    {
        var start = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.FromHours(8));

        var seal = MakeSeal(start: start);

        Assert.Equal(new DateTimeOffset(2026, 3, 3, 21, 6, 7, TimeSpan.Zero), seal.ValidStart);
        Assert.Equal(TimeSpan.Zero, seal.ValidStart.Offset);
    }

    [Fact]
    public void Create_refuses_a_non_sm2_maker()
    {
        var error = Assert.Throws<ArgumentException>(() => MakeSeal(maker: NewEcdsaKey()));

        Assert.Contains("SM2", error.Message, StringComparison.Ordinal);
        Assert.Equal("maker", error.ParamName);
    }

    [Fact]
    public void Create_refuses_a_picture_that_is_not_png()
    {
        var error = Assert.Throws<ArgumentException>(() => MakeSeal(png: "GIF89a not a png"u8.ToArray()));

        Assert.Contains("PNG", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_refuses_inverted_validity_and_missing_signers()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var description = new SesSealDescription
        {
            EsId = "1",
            Name = "章",
            SignerCertificates = [UserKey.Certificate],
            CreateDate = start,
            ValidStart = start,
            ValidEnd = start,
            PicturePng = Interop("StampImg.png"),
            PictureWidthMm = 40,
            PictureHeightMm = 40,
        };

        Assert.Throws<ArgumentException>(() => SesSeal.Create(description, UserKey));
        Assert.Throws<ArgumentException>(() => SesSeal.Create(
            new SesSealDescription
            {
                EsId = "1",
                Name = "章",
                SignerCertificates = [],
                CreateDate = start,
                ValidStart = start,
                ValidEnd = start.AddDays(1),
                PicturePng = Interop("StampImg.png"),
                PictureWidthMm = 40,
                PictureHeightMm = 40,
            },
            UserKey));
        Assert.Throws<ArgumentException>(() => SesSeal.Create(
            new SesSealDescription
            {
                EsId = "非ASCII",
                Name = "章",
                SignerCertificates = [UserKey.Certificate],
                CreateDate = start,
                ValidStart = start,
                ValidEnd = start.AddDays(1),
                PicturePng = Interop("StampImg.png"),
                PictureWidthMm = 40,
                PictureHeightMm = 40,
            },
            UserKey));
    }
}

public sealed record UserV4SealInfoFlip(int Offset, int Mask);

public sealed record UserV1SealInfoFlip(int Offset, int Mask);

public sealed record CreatedSealCase(string Name, DateTimeOffset Start, int Days, byte[] Picture, int Type, int Flip)
{
    public override string ToString() =>
        $"CreatedSealCase {{ Name = {Name}, Start = {Start:O}, Days = {Days}, Picture = {Picture.Length} bytes, Type = {Type}, Flip = {Flip} }}";
}

internal static class SesSealArbitraries
{
    public static Arbitrary<UserV4SealInfoFlip> UserV4SealInfoFlip() =>
        SealInfoFlips("UserV4.esl").Select(f => new UserV4SealInfoFlip(f.Offset, f.Mask)).ToArbitrary();

    public static Arbitrary<UserV1SealInfoFlip> UserV1SealInfoFlip() =>
        SealInfoFlips("UserV1.esl").Select(f => new UserV1SealInfoFlip(f.Offset, f.Mask)).ToArbitrary();

    public static Arbitrary<CreatedSealCase> CreatedSealCase()
    {
        var png = Interop("StampImg.png");
        var names = Gen.Elements("电子证照专用章", "某某区行政审批局", "X", "A & B 有限公司", "𠀀 surrogate 名")
            .SelectMany(n => Gen.Choose(0, 40).Select(k => n + new string('章', k)));
        var dates = Gen.Choose(0, 3_000_000).Select(minutes => new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minutes).AddSeconds(minutes % 60));
        var pictures = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(extra => png.Concat(extra).ToArray());
        return (from name in names
                from start in dates
                from days in Gen.Choose(1, 4000)
                from picture in pictures
                from type in Gen.Choose(0, 5)
                from flip in Gen.Choose(0, int.MaxValue)
                select new CreatedSealCase(name, start, days, picture, type, flip)).ToArbitrary();
    }

    private static Gen<(int Offset, int Mask)> SealInfoFlips(string file)
    {
        var infoStart = SesSealTests.InteropSealInfoStart;
        var infoLength = SesSealTests.InteropSealInfoLength(file);
        return Gen.Choose(infoStart, infoStart + infoLength - 1).Zip(Gen.Choose(1, 255));
    }
}
