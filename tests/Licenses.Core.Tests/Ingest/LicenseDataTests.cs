using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Tests.Catalog;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Tests.Ingest;

[Properties(Arbitrary = new[] { typeof(LicenseDataArbitraries) })]
public class LicenseDataTests
{
    private const string IssuerName = "重庆市公安局渝中区分局";

    // Text elements rather than chars, so that no string holds half a surrogate pair.
    internal static readonly Gen<string> Text =
        Gen.Elements("a", "Z", "0", " ", "照", "面", "号", "\"", "\\", "/", "~", ".", "[", "]", "é", "😀", "\u00a0", "\n", "\t")
            .ListOf()
            .Select(parts => string.Concat(parts));

    internal static readonly Gen<(string Key, string Value)[]> Faces =
        from keys in Text.NonEmptyListOf().Select(k => k.Distinct(StringComparer.Ordinal).ToArray())
        from values in Text.ArrayOf(keys.Length)
        select keys.Zip(values).ToArray();

    [Property]
    public bool Reordering_the_face_keys_keeps_the_hash(ShuffledFace c) => Hash(c.Face) == Hash(c.Shuffled);

    [Property]
    public bool Changing_any_face_value_changes_the_hash(ChangedFaceValue c)
    {
        var changed = c.Face.ToArray();
        changed[c.Index] = (changed[c.Index].Key, c.Value);
        return Hash(c.Face) != Hash(changed);
    }

    [Property]
    public bool The_issuer_display_name_does_not_change_the_hash(FaceWithTwoIssuerNames c) =>
        Hash(c.Face, c.First) == Hash(c.Face, c.Second);

    [Fact]
    public void The_issuer_display_name_is_still_stored()
    {
        var data = LicenseData.Build(Submission(Face(("性别", "女"))), IssuerName);

        Assert.Equal(IssuerName, (string?)JObject.Parse(LicenseData.Serialize(data))[MetadataNames.Issuer]);
    }

    [Fact]
    public void Nested_objects_are_canonical_at_every_depth_but_array_order_counts()
    {
        var original = JObject.Parse("""{"权利人": [{"姓名": "甲", "份额": "1/2"}, {"姓名": "乙", "份额": "1/2"}], "坐落": {"区": "渝北区", "路": "新牌坊"}}""");
        var reordered = JObject.Parse("""{"坐落": {"路": "新牌坊", "区": "渝北区"}, "权利人": [{"份额": "1/2", "姓名": "甲"}, {"份额": "1/2", "姓名": "乙"}]}""");
        var swapped = JObject.Parse("""{"权利人": [{"姓名": "乙", "份额": "1/2"}, {"姓名": "甲", "份额": "1/2"}], "坐落": {"区": "渝北区", "路": "新牌坊"}}""");

        Assert.Equal(Hash(original), Hash(reordered));
        Assert.NotEqual(Hash(original), Hash(swapped));
    }

    [Fact]
    public void The_hash_covers_the_metadata_the_issuer_code_and_the_source_document()
    {
        var face = Face(("性别", "女"));
        var baseline = Hash(face);

        Assert.Matches("^[0-9a-f]{64}$", baseline);
        Assert.NotEqual(baseline, Hash(face, document: new string('0', 64)));
        Assert.NotEqual(baseline, LicenseData.ContentHash(LicenseData.Build(Submission(face, issuerCode: "11500112MB1501042Q"), IssuerName), null));
        Assert.NotEqual(baseline, LicenseData.ContentHash(LicenseData.Build(Submission(face, validUntil: null), IssuerName), null));
    }

    private static JObject Face(params (string Key, string Value)[] fields) => new(fields.Select(f => new JProperty(f.Key, f.Value)));

    private static string Hash((string Key, string Value)[] face, string issuerName = IssuerName) =>
        Hash(Face(face), issuerName);

    private static string Hash(JObject face, string issuerName = IssuerName, string? document = null) =>
        LicenseData.ContentHash(LicenseData.Build(Submission(face), issuerName), document);

    private static LicenseSubmission Submission(JObject face, string issuerCode = "11500103MB1501034W", string? validUntil = "2044-05-01") => new()
    {
        Type = CatalogFiles.ShippedType("居民身份证"),
        Number = "500103202405010001",
        HolderName = "冉晓燕",
        HolderCode = "500103199003150420",
        HolderCodeType = MetadataNames.CitizenIdType,
        IssueDate = new DateOnly(2024, 5, 1),
        ValidFrom = new DateOnly(2024, 5, 1),
        ValidUntil = validUntil is null ? null : DateOnly.ParseExact(validUntil, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        Face = face,
        IssuerCode = UnifiedSocialCreditCode.Parse(issuerCode),
    };
}

/// <summary>A face and the same fields in another order.</summary>
public sealed record ShuffledFace((string Key, string Value)[] Face, (string Key, string Value)[] Shuffled)
{
    public override string ToString() => $"ShuffledFace {{ Face = {string.Join(", ", Face)}, Shuffled = {string.Join(", ", Shuffled)} }}";
}

/// <summary>A face, one of its fields and a value other than that field's.</summary>
public sealed record ChangedFaceValue((string Key, string Value)[] Face, int Index, string Value)
{
    public override string ToString() => $"ChangedFaceValue {{ Face = {string.Join(", ", Face)}, Index = {Index}, Value = {Value} }}";
}

/// <summary>A face and two issuer display names.</summary>
public sealed record FaceWithTwoIssuerNames((string Key, string Value)[] Face, string First, string Second)
{
    public override string ToString() => $"FaceWithTwoIssuerNames {{ Face = {string.Join(", ", Face)}, First = {First}, Second = {Second} }}";
}

internal static class LicenseDataArbitraries
{
    public static Arbitrary<ShuffledFace> ShuffledFace() =>
        (from face in LicenseDataTests.Faces
         from shuffled in Gen.Shuffle(face)
         select new ShuffledFace(face, shuffled)).ToArbitrary();

    public static Arbitrary<ChangedFaceValue> ChangedFaceValue() =>
        (from face in LicenseDataTests.Faces
         from index in Gen.Choose(0, face.Length - 1)
         from value in LicenseDataTests.Text.Where(v => v != face[index].Value)
         select new ChangedFaceValue(face, index, value)).ToArbitrary();

    public static Arbitrary<FaceWithTwoIssuerNames> FaceWithTwoIssuerNames() =>
        (from face in LicenseDataTests.Faces
         from names in LicenseDataTests.Text.Two()
         select new FaceWithTwoIssuerNames(face, names.Item1, names.Item2)).ToArbitrary();
}
