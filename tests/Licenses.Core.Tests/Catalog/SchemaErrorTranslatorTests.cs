using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Errors;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Tests.Catalog;

public class SchemaErrorTranslatorTests
{
    private static readonly Lazy<LicenseType> Nested = new(() => LoadSingle(NestedSchema()));

    [Fact]
    public void A_valid_nested_face_has_no_errors()
    {
        Assert.Empty(Validate("""{"a": {"b": "x"}, "items": [{"kind": "x"}, {"kind": "y", "note": "n"}]}"""));
    }

    [Fact]
    public void A_missing_nested_property_is_reported_at_its_own_pointer()
    {
        var error = Assert.Single(Validate("""{"a": {}, "items": []}"""));

        Assert.Equal(new FieldError("/照面/a/b", "is required"), error);
    }

    [Fact]
    public void A_missing_top_level_property_is_reported_at_its_own_pointer()
    {
        var error = Assert.Single(Validate("""{"items": []}"""));

        Assert.Equal(new FieldError("/照面/a", "is required"), error);
    }

    [Fact]
    public void An_enum_violation_in_an_array_item_names_the_item_and_the_allowed_values()
    {
        var error = Assert.Single(Validate("""{"a": {"b": "x"}, "items": [{"kind": "x"}, {"kind": "z"}]}"""));

        Assert.Equal(new FieldError("/照面/items/1/kind", "must be one of: x, y"), error);
    }

    [Fact]
    public void A_missing_property_in_an_array_item_is_reported_at_its_own_pointer()
    {
        var error = Assert.Single(Validate("""{"a": {"b": "x"}, "items": [{"kind": "x"}, {"kind": "y"}, {}]}"""));

        Assert.Equal(new FieldError("/照面/items/2/kind", "is required"), error);
    }

    [Theory]
    [InlineData("""{"a": {"b": "x"}, "items": [], "extra": 1}""", "/照面/extra")]
    [InlineData("""{"a": {"b": "x", "extra": 1}, "items": []}""", "/照面/a/extra")]
    [InlineData("""{"a": {"b": "x"}, "items": [{"kind": "x", "extra": 1}]}""", "/照面/items/0/extra")]
    public void An_additional_property_is_reported_at_its_own_pointer(string face, string pointer)
    {
        var error = Assert.Single(Validate(face));

        Assert.Equal(new FieldError(pointer, "is not a field of this license type"), error);
    }

    [Theory]
    [InlineData("未知 字段", "/照面/未知 字段")]
    [InlineData("a.b", "/照面/a.b")]
    [InlineData("x/y", "/照面/x~1y")]
    [InlineData("m~n", "/照面/m~0n")]
    [InlineData("it's", "/照面/it's")]
    [InlineData("[0]", "/照面/[0]")]
    public void An_additional_property_with_any_name_gets_its_escaped_pointer(string name, string pointer)
    {
        var face = JObject.Parse("""{"a": {"b": "x"}, "items": []}""");
        face[name] = 1;

        var error = Assert.Single(Nested.Value.ValidateFace(face, "/照面"));

        Assert.Equal(pointer, error.Pointer);
    }

    [Fact]
    public void A_face_inside_a_request_body_gets_the_same_pointers_as_a_standalone_face()
    {
        var body = JObject.Parse("""{"证照编号": "1", "照面": {"a": {"extra": 1}, "items": [{"kind": "z"}], "extra": 2}}""");

        var pointers = Nested.Value.ValidateFace(body["照面"]!, "/照面").Select(e => e.Pointer).Order(StringComparer.Ordinal);

        Assert.Equal(["/照面/a/b", "/照面/a/extra", "/照面/extra", "/照面/items/0/kind"], pointers);
    }

    [Fact]
    public void Every_defect_is_reported_not_only_the_first()
    {
        var errors = Validate("""{"a": {"b": 5}, "items": [{"kind": "z"}, {"kind": "x", "note": "toolong"}, {"kind": "y", "note": 5}], "extra": 1}""");

        Assert.Equal(
            [
                new FieldError("/照面/a/b", "must be a string"),
                new FieldError("/照面/extra", "is not a field of this license type"),
                new FieldError("/照面/items/0/kind", "must be one of: x, y"),
                new FieldError("/照面/items/1/note", "must be at most 5 characters"),
                new FieldError("/照面/items/2/note", "must be a string"),
            ],
            errors.OrderBy(e => e.Pointer, StringComparer.Ordinal));
    }

    [Fact]
    public void Messages_say_what_is_expected_for_each_constraint()
    {
        var type = LoadSingle(MinimalSchema(new JObject
        {
            ["代码"] = new JObject { ["type"] = "string", ["pattern"] = "^[0-9]{3}$" },
            ["名称"] = new JObject { ["type"] = "string", ["minLength"] = 2 },
            ["日期"] = new JObject { ["type"] = "string", ["format"] = "date" },
            ["数量"] = new JObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 9 },
            ["清单"] = new JObject { ["type"] = "array", ["minItems"] = 1, ["items"] = new JObject { ["type"] = "string" } },
        }));

        var errors = type.ValidateFace(
            JObject.Parse("""{"代码": "12a", "名称": "x", "日期": "2024-02-30", "数量": 10, "清单": []}"""),
            "/照面");

        Assert.Equal(
            [
                new FieldError("/照面/代码", "does not have the required format (pattern ^[0-9]{3}$)"),
                new FieldError("/照面/名称", "must be at least 2 characters"),
                new FieldError("/照面/数量", "must be at most 9"),
                new FieldError("/照面/日期", "must be a date in the form YYYY-MM-DD"),
                new FieldError("/照面/清单", "must have at least 1 items"),
            ],
            errors.OrderBy(e => e.Pointer, StringComparer.Ordinal));
    }

    [Fact]
    public void Pointers_start_with_the_given_base()
    {
        var error = Assert.Single(Nested.Value.ValidateFace(JObject.Parse("""{"a": {}, "items": []}"""), "/变更/照面"));

        Assert.Equal("/变更/照面/a/b", error.Pointer);
    }

    [Theory]
    [InlineData("b/c")]
    [InlineData("b~c")]
    [InlineData("b.c")]
    [InlineData("b[1]")]
    public void A_nested_property_name_that_would_break_json_pointers_is_refused(string name)
    {
        var schema = NestedSchema();
        var a = (JObject)schema["properties"]!["a"]!;
        a["properties"] = new JObject { [name] = new JObject { ["type"] = "string" } };
        a["required"] = new JArray(name);
        using var catalog = new TempCatalog().Write("nested.schema.json", schema);

        var error = Assert.Throws<CatalogException>(catalog.Load);

        Assert.Equal("nested.schema.json", error.File);
        Assert.Contains($"field name \"{name}\"", error.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<FieldError> Validate(string face) => Nested.Value.ValidateFace(JObject.Parse(face), "/照面");

    private static LicenseType LoadSingle(JObject schema)
    {
        using var catalog = new TempCatalog().Write("test.schema.json", schema);
        return Assert.Single(catalog.Load().Types);
    }

    /// <summary>照面: a nested object <c>a</c> with a required <c>b</c>, and <c>items</c>, an array of objects with an enum <c>kind</c>.</summary>
    private static JObject NestedSchema() => MinimalSchema(
        new JObject
        {
            ["a"] = new JObject
            {
                ["type"] = "object",
                ["additionalProperties"] = false,
                ["required"] = new JArray("b"),
                ["properties"] = new JObject { ["b"] = new JObject { ["type"] = "string" } },
            },
            ["items"] = new JObject
            {
                ["type"] = "array",
                ["items"] = new JObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["required"] = new JArray("kind"),
                    ["properties"] = new JObject
                    {
                        ["kind"] = new JObject { ["type"] = "string", ["enum"] = new JArray("x", "y") },
                        ["note"] = new JObject { ["type"] = "string", ["maxLength"] = 5 },
                    },
                },
            },
        },
        "a",
        "items");

    /// <summary>A loadable schema with the given 照面 properties and a valid <c>x-license</c> block.</summary>
    internal static JObject MinimalSchema(JObject properties, params string[] required) => new()
    {
        ["$schema"] = "http://json-schema.org/draft-07/schema#",
        ["$id"] = "urn:elic:license-type:11100000000013338W099",
        ["type"] = "object",
        ["additionalProperties"] = false,
        ["required"] = new JArray(required),
        ["properties"] = properties,
        ["x-license"] = new JObject
        {
            ["code"] = "11100000000013338W099",
            ["name"] = "测试证照",
            ["englishName"] = "Test License",
            ["holderKind"] = "natural-person",
            ["definingAuthority"] = new JObject { ["code"] = "11100000000013338W", ["name"] = "公安部" },
            ["issuers"] = new JArray("11500000MB1501018N"),
            ["signatures"] = new JArray(new JObject { ["signer"] = "issuer", ["seal"] = "证照专用章", ["reason"] = "颁发" }),
            ["sharingLevel"] = "有条件共享",
            ["validity"] = new JObject { ["kind"] = "permanent" },
            ["retention"] = "永久",
            ["displayOrder"] = new JArray(properties.Properties().Select(p => p.Name)),
            ["sensitiveFields"] = new JArray(),
        },
    };
}
