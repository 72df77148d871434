using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Tests.Samples;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Tests.Catalog;

public class ShippedCatalogTests
{
    private static readonly Lazy<Dictionary<string, (string? Parent, string[] Roles)>> Departments = new(() =>
        JArray.Parse(File.ReadAllText(RepositoryFiles.Sample("departments.json")))
            .Cast<JObject>()
            .ToDictionary(
                d => (string)d["code"]!,
                d => ((string?)d["parent"], d["roles"]!.Select(r => (string)r!).ToArray()),
                StringComparer.Ordinal));

    public static TheoryData<string> TypeNames() => new(CatalogFiles.Shipped.Types.Select(t => t.Name));

    [Fact]
    public void The_shipped_catalog_has_at_least_25_types_with_unique_codes_and_files()
    {
        var types = CatalogFiles.Shipped.Types;

        Assert.True(types.Count >= 25, $"only {types.Count} types");
        Assert.Equal(types.Count, types.Select(t => t.Code).Distinct().Count());
        Assert.Equal(types.Count, types.Select(t => t.SourceFile).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(types.Count, Directory.GetFiles(RepositoryFiles.Schemas, "*.schema.json").Length);
    }

    [Theory]
    [InlineData("居民身份证", "11100000000013338W001", HolderKind.NaturalPerson)]
    [InlineData("营业执照", "11100000MB0000617G001", HolderKind.LegalEntity)]
    [InlineData("不动产权证书", "11100000MB0000780P001", HolderKind.NaturalPerson)]
    [InlineData("结婚证", "11100000MB00002117001", HolderKind.NaturalPerson)]
    [InlineData("机动车驾驶证", "11100000000013338W004", HolderKind.NaturalPerson)]
    [InlineData("食品经营许可证", "11100000MB0000617G002", HolderKind.LegalEntity)]
    [InlineData("社会保障卡", "11100000MB00004579003", HolderKind.NaturalPerson)]
    public void The_catalog_has_the_common_license_types(string name, string code, HolderKind holderKind)
    {
        Assert.True(CatalogFiles.Shipped.TryGet(LicenseTypeCode.Parse(code), out var type));

        Assert.Equal(name, type.Name);
        Assert.Equal(holderKind, type.HolderKind);
    }

    [Fact]
    public void Real_estate_title_certificates_are_signed_by_the_issuer_and_then_its_parent()
    {
        var type = CatalogFiles.ShippedType("不动产权证书");

        Assert.Equal([SignerKind.Issuer, SignerKind.IssuerParent], type.Signatures.Select(s => s.Signer));
        Assert.All(type.Signatures, s => Assert.Null(s.Department));
        Assert.Equal(ValidityKind.Permanent, type.Validity.Kind);
    }

    [Fact]
    public void Identity_cards_are_valid_for_at_most_20_years()
    {
        var type = CatalogFiles.ShippedType("居民身份证");

        Assert.Equal(new ValidityRule(ValidityKind.Dated, 20), type.Validity);
        Assert.Contains("持证主体代码", type.SensitiveFields);
    }

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Every_issuer_of_a_type_is_a_department_with_the_issuer_role(string typeName)
    {
        var type = CatalogFiles.ShippedType(typeName);

        Assert.NotEmpty(type.Issuers);
        Assert.All(type.Issuers, issuer =>
        {
            Assert.True(Departments.Value.TryGetValue(issuer.Value, out var department), $"{issuer} is not in departments.json");
            Assert.Contains("issuer", department.Roles);
        });
    }

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Every_co_signer_of_a_type_exists_in_the_department_list(string typeName)
    {
        var type = CatalogFiles.ShippedType(typeName);

        foreach (var signature in type.Signatures)
        {
            switch (signature.Signer)
            {
                case SignerKind.IssuerParent:
                    Assert.All(type.Issuers, issuer =>
                    {
                        var parent = Departments.Value[issuer.Value].Parent;
                        Assert.True(parent is not null, $"{issuer} has no parent to co-sign {type.Name}");
                        Assert.True(Departments.Value.ContainsKey(parent), $"parent {parent} of {issuer} is not in departments.json");
                    });
                    break;
                case SignerKind.Department:
                    Assert.True(Departments.Value.ContainsKey(signature.Department!.Value), $"co-signer {signature.Department} is not in departments.json");
                    break;
            }
        }
    }
}
