using System.Text.Json;
using ElectronicLicense.Cli.Tests.Support;

namespace ElectronicLicense.Cli.Tests.Catalog;

public sealed class CatalogCommandTests
{
    [Fact]
    public async Task List_json_has_at_least_25_types_including_the_business_license()
    {
        var run = await Elic.RunAsync("catalog", "list", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var list = JsonDocument.Parse(run.Output);
        var types = list.RootElement.EnumerateArray().ToArray();
        Assert.True(types.Length >= 25, $"{types.Length} types");
        var business = Assert.Single(types, t => t.GetProperty("name").GetString() == "营业执照");
        Assert.Equal("11100000MB0000617G001", business.GetProperty("code").GetString());
        Assert.Equal("legal-entity", business.GetProperty("holderKind").GetString());
        Assert.Equal("issuer", business.GetProperty("signatures")[0].GetProperty("signer").GetString());
    }

    [Fact]
    public async Task List_table_shows_names_in_chinese_and_english()
    {
        var run = await Elic.RunAsync("catalog", "list");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("营业执照", run.Output, StringComparison.Ordinal);
        Assert.Contains("Business License", run.Output, StringComparison.Ordinal);
        Assert.Contains("11100000MB0000617G001", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_reads_the_folder_given_with_schemas()
    {
        var shipped = await Elic.RunAsync("catalog", "list", "--json");
        var source = await Elic.RunAsync("catalog", "list", "--json", "--schemas", Repository.Path("schemas"));

        Assert.Equal(0, source.ExitCode);
        Assert.Equal(shipped.Output, source.Output);
    }

    [Fact]
    public async Task Broken_schema_exits_2_naming_the_file()
    {
        using var folder = new TempDirectory();
        File.Copy(Repository.Path("schemas", "business-license.schema.json"), folder.File("business-license.schema.json"));
        await File.WriteAllTextAsync(folder.File("broken.schema.json"), "{ \"$schema\": ");

        var run = await Elic.RunAsync("catalog", "list", "--schemas", folder.FullName);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("broken.schema.json", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Output);
    }

    [Fact]
    public async Task Missing_folder_exits_2()
    {
        using var folder = new TempDirectory();

        var run = await Elic.RunAsync("catalog", "list", "--schemas", folder.File("nothing-here"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }
}
