using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Tests.Samples;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Tests.Catalog;

public class CatalogLoaderTests
{
    private const string IdentityCard = "resident-identity-card.schema.json";
    private const string RealEstateTitle = "real-estate-title-certificate.schema.json";

    // Each entry breaks one rule of schemas/README.md in a copy of a shipped schema.
    private static readonly Dictionary<string, (string File, Action<JObject> Break, string Problem)> Breakages = new()
    {
        ["const keyword on a field"] = (IdentityCard, s => s["properties"]!["性别"]!["const"] = "男",
            "keyword \"const\" at #/properties/性别 is not supported"),
        ["const keyword in a definition"] = (IdentityCard, s => s["definitions"]!["ethnicGroup"]!["const"] = "汉族",
            "keyword \"const\" at #/definitions/ethnicGroup is not supported"),
        ["const keyword under a field named properties"] = (IdentityCard, s => ConstUnderField(s, "properties"),
            "keyword \"const\" at #/properties/properties is not supported"),
        ["const keyword under a field named definitions"] = (IdentityCard, s => ConstUnderField(s, "definitions"),
            "keyword \"const\" at #/properties/definitions is not supported"),
        ["const keyword under a field named x-license"] = (IdentityCard, s => ConstUnderField(s, "x-license"),
            "keyword \"const\" at #/properties/x-license is not supported"),
        ["if/then keyword at the root"] = (IdentityCard, s => s["if"] = new JObject(),
            "keyword \"if\" at # is not supported"),
        ["x-license missing"] = (IdentityCard, s => s.Remove("x-license"),
            "the \"x-license\" block is missing"),
        ["displayOrder without a 照面 field"] = (IdentityCard, s => RemoveString(s["x-license"]!["displayOrder"]!, "出生日期"),
            "照面 field \"出生日期\" is missing from displayOrder"),
        ["displayOrder naming an unknown field"] = (IdentityCard, s => ((JArray)s["x-license"]!["displayOrder"]!).Add("籍贯"),
            "displayOrder names \"籍贯\""),
        ["$id not matching the code"] = (IdentityCard, s => s["$id"] = "urn:elic:license-type:11100000000013338W002",
            "\"$id\" must be \"urn:elic:license-type:11100000000013338W001\""),
        ["type code with a wrong check character"] = (IdentityCard, s => s["x-license"]!["code"] = "11100000000013338X001",
            "x-license.code: "),
        ["defining authority not matching the code"] = (IdentityCard, s => s["x-license"]!["definingAuthority"]!["code"] = "11100000MB0000617G",
            "definingAuthority.code must be the authority part of the type code"),
        ["unknown sharingLevel"] = (IdentityCard, s => s["x-license"]!["sharingLevel"] = "部分共享",
            "x-license.sharingLevel must be 无条件共享, 有条件共享 or 不予共享, got \"部分共享\""),
        ["signatures starting with the parent"] = (RealEstateTitle, s => Reverse((JArray)s["x-license"]!["signatures"]!),
            "x-license.signatures must start with the issuer"),
        ["signatures naming the issuer twice"] = (RealEstateTitle, s => s["x-license"]!["signatures"]![1]!["signer"] = "issuer",
            "lists the issuer more than once"),
        ["no signatures"] = (IdentityCard, s => s["x-license"]!["signatures"] = new JArray(),
            "x-license.signatures must list at least the issuer's signature"),
        ["issuer with a wrong check character"] = (IdentityCard, s => s["x-license"]!["issuers"]![0] = "11500000MB1501018M",
            "x-license.issuers: 统一社会信用代码 check character should be"),
        ["dated validity without maxYears"] = (IdentityCard, s => ((JObject)s["x-license"]!["validity"]!).Remove("maxYears"),
            "x-license.validity.maxYears must be an integer 1–100"),
        ["sensitive field not displayed"] = (IdentityCard, s => ((JArray)s["x-license"]!["sensitiveFields"]!).Add("民族2"),
            "sensitiveFields names \"民族2\", which is not in displayOrder"),
        ["draft 2020-12 $schema"] = (IdentityCard, s => s["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            "\"$schema\" must be http://json-schema.org/draft-07/schema#"),
    };

    public static TheoryData<string> BreakageNames() => new(Breakages.Keys);

    [Theory]
    [InlineData(IdentityCard)]
    [InlineData(RealEstateTitle)]
    public void An_unchanged_copy_of_a_shipped_schema_loads(string file)
    {
        using var catalog = new TempCatalog().Write(file, CatalogFiles.ReadSchema(file));

        var type = Assert.Single(catalog.Load().Types);

        Assert.Equal(CatalogFiles.Shipped.Types.Single(t => t.SourceFile == file).Code, type.Code);
    }

    [Theory]
    [MemberData(nameof(BreakageNames))]
    public void A_broken_schema_stops_loading_with_a_message_naming_the_file(string breakage)
    {
        var (file, breakIt, problem) = Breakages[breakage];
        var schema = CatalogFiles.ReadSchema(file);
        breakIt(schema);
        using var catalog = new TempCatalog().Write(file, schema);

        var error = Assert.Throws<CatalogException>(catalog.Load);

        Assert.Equal(file, error.File);
        Assert.StartsWith($"License catalog file '{file}': ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_is_reported_with_its_file_and_position()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryFiles.Schemas, IdentityCard));
        using var catalog = new TempCatalog()
            .Write(RealEstateTitle, CatalogFiles.ReadSchema(RealEstateTitle))
            .WriteText(IdentityCard, text[..(text.Length / 2)]);

        var error = Assert.Throws<CatalogException>(catalog.Load);

        Assert.Equal(IdentityCard, error.File);
        Assert.Contains($"'{IdentityCard}': not valid JSON at line ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_with_a_repeated_key_is_refused()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryFiles.Schemas, IdentityCard))
            .Replace("\"title\": \"居民身份证\",", "\"title\": \"居民身份证\", \"title\": \"户口簿\",", StringComparison.Ordinal);
        using var catalog = new TempCatalog().WriteText(IdentityCard, text);

        var error = Assert.Throws<CatalogException>(catalog.Load);

        Assert.Contains($"'{IdentityCard}': not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_type_code_in_two_files_is_refused_naming_both()
    {
        var schema = CatalogFiles.ReadSchema(IdentityCard);
        using var catalog = new TempCatalog()
            .Write("a-identity-card.schema.json", schema)
            .Write("b-identity-card-copy.schema.json", schema);

        var error = Assert.Throws<CatalogException>(catalog.Load);

        Assert.Equal("b-identity-card-copy.schema.json", Path.GetFileName(error.File));
        Assert.Contains("b-identity-card-copy.schema.json':", error.Message, StringComparison.Ordinal);
        Assert.Contains("type code 11100000000013338W001 is also defined in 'a-identity-card.schema.json'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("住/址")]
    [InlineData("住~址")]
    [InlineData("住.址")]
    [InlineData("住址[0]")]
    [InlineData("")]
    [InlineData("持证主体")]
    public void A_face_field_name_that_would_break_json_pointers_or_shadow_metadata_is_refused(string name)
    {
        var schema = CatalogFiles.ReadSchema(IdentityCard);
        RenameField(schema, "住址", name);
        using var catalog = new TempCatalog().Write(IdentityCard, schema);

        var error = Assert.Throws<CatalogException>(catalog.Load);

        Assert.Equal(IdentityCard, error.File);
        Assert.Contains($"field name \"{name}\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_catalog_directory_is_reported()
    {
        var missing = Path.Combine(Path.GetTempPath(), "elic-no-such-catalog-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<CatalogException>(() => LicenseCatalog.Load(missing));

        Assert.Equal(missing, error.File);
        Assert.Contains("Catalog:SchemaDirectory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_catalog_directory_is_reported()
    {
        using var catalog = new TempCatalog();

        var error = Assert.Throws<CatalogException>(catalog.Load);

        Assert.Contains("no *.schema.json files found", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Renames a 照面 field everywhere the schema names it.</summary>
    internal static void RenameField(JObject schema, string from, string to)
    {
        var property = ((JObject)schema["properties"]!).Property(from)!;
        property.Replace(new JProperty(to, property.Value));
        foreach (var list in new[] { schema["required"], schema["x-license"]!["displayOrder"], schema["x-license"]!["sensitiveFields"] })
        {
            foreach (var item in ((JArray)list!).Where(t => (string?)t == from).ToList())
            {
                item.Replace(to);
            }
        }
    }

    private static void ConstUnderField(JObject schema, string field)
    {
        RenameField(schema, "住址", field);
        schema["properties"]![field]!["const"] = "重庆市";
    }

    private static void RemoveString(JToken array, string value) =>
        ((JArray)array).Where(t => (string?)t == value).ToList().ForEach(t => t.Remove());

    private static void Reverse(JArray array)
    {
        var items = array.Reverse().ToList();
        array.RemoveAll();
        items.ForEach(array.Add);
    }
}
