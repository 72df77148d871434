using System.Text.Json;
using ElectronicLicense.Cli.Tests.Support;

namespace ElectronicLicense.Cli.Tests.Identifiers;

public sealed class IdCommandTests
{
    [Theory]
    [InlineData("11010519491231002X", "citizen-id")]
    [InlineData("91110000600037341L", "uscc")]
    [InlineData("11100000000013338W032", "license-type-code")]
    [InlineData("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0", "license-id")]
    public async Task Valid_identifier_exits_0_and_names_its_kind(string value, string kind)
    {
        var run = await Elic.RunAsync("id", "check", value, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var result = JsonDocument.Parse(run.Output);
        Assert.Equal(kind, result.RootElement.GetProperty("kind").GetString());
        Assert.True(result.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(value, result.RootElement.GetProperty("canonical").GetString());
    }

    [Theory]
    [InlineData("110105194912310021", "citizen-id")]
    [InlineData("91110000600037341M", "uscc")]
    [InlineData("11100000000013338X032", "license-type-code")]
    [InlineData("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.1", "license-id")]
    [InlineData("hello", "unknown")]
    [InlineData("", "unknown")]
    public async Task Invalid_identifier_exits_1_with_a_reason(string value, string kind)
    {
        var run = await Elic.RunAsync("id", "check", value, "--json");

        Assert.True(run.ExitCode == 1, run.ToString());
        using var result = JsonDocument.Parse(run.Output);
        Assert.Equal(kind, result.RootElement.GetProperty("kind").GetString());
        Assert.False(result.RootElement.GetProperty("valid").GetBoolean());
        Assert.False(string.IsNullOrEmpty(result.RootElement.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Text_output_shows_kind_canonical_form_and_details()
    {
        var run = await Elic.RunAsync("id", "check", "91110000600037341l");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("统一社会信用代码", run.Output, StringComparison.Ordinal);
        Assert.Contains("91110000600037341L", run.Output, StringComparison.Ordinal);
        Assert.Contains("valid", run.Output, StringComparison.Ordinal);
        Assert.Contains("OrganizationCode", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_output_of_an_invalid_value_gives_the_reason()
    {
        var run = await Elic.RunAsync("id", "check", "91110000600037341M");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("invalid", run.Output, StringComparison.Ordinal);
        Assert.Contains("check character", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_value_is_a_usage_error()
    {
        var run = await Elic.RunAsync("id", "check");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("elic id check --help", run.Error, StringComparison.Ordinal);
    }
}
