using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Tests.Catalog;
using FsCheck;
using FsCheck.Fluent;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Tests.Ingest;

public class LicenseDataTests
{
    private const string IssuerName = "重庆市公安局渝中区分局";

    // Text elements rather than chars, so that no string holds half a surrogate pair.
    private static readonly Gen<string> Text =
        Gen.Elements("a", "Z", "0", " ", "照", "面", "号", "\"", "\\", "/", "~", ".", "[", "]", "é", "😀", "\u00a0", "\n", "\t")
            .ListOf()
            .Select(parts => string.Concat(parts));

    private static readonly Gen<(string Key, string Value)[]> Faces =
        from keys in Text.NonEmptyListOf().Select(k => k.Distinct(StringComparer.Ordinal).ToArray())
        from values in Text.ArrayOf(keys.Length)
        select keys.Zip(values).ToArray();

    [Fact]
    public void Reordering_the_face_keys_keeps_the_hash()
    {
        var cases =
            from face in Faces
            from shuffled in Gen.Shuffle(face)
            select (face, shuffled);

        Prop.ForAll(cases.ToArbitrary(), c => Hash(c.face) == Hash(c.shuffled)).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Changing_any_face_value_changes_the_hash()
    {
        var cases =
            from face in Faces
            from index in Gen.Choose(0, face.Length - 1)
            from value in Text.Where(v => v != face[index].Value)
            select (face, index, value);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var changed = c.face.ToArray();
            changed[c.index] = (changed[c.index].Key, c.value);
            return Hash(c.face) != Hash(changed);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void The_issuer_display_name_does_not_change_the_hash()
    {
        var cases =
            from face in Faces
            from names in Text.Two()
            select (face, names);

        Prop.ForAll(cases.ToArbitrary(), c => Hash(c.face, c.names.Item1) == Hash(c.face, c.names.Item2)).QuickCheckThrowOnFailure();
    }

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
