using System.Text.Json;
using ElectronicLicense.Cli.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ElectronicLicense.Cli.Tests.Import;

/// <summary>The registry API hosted in-process on a fresh data directory, with the demo tokens it created.</summary>
public sealed class RegistryApiFixture : IDisposable
{
    private readonly TempDirectory data = new();

    public RegistryApiFixture()
    {
        Factory = new WebApplicationFactory<global::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Storage:DataDirectory", data.FullName);
        });

        // Starting the server runs the registry's initialiser, which writes the demo credentials.
        _ = Factory.Server;
        using var credentials = JsonDocument.Parse(File.ReadAllText(data.File("demo-credentials.json")));
        Tokens = credentials.RootElement.EnumerateObject().ToDictionary(
            d => d.Name,
            d => (IReadOnlyDictionary<string, string>)d.Value.EnumerateObject().ToDictionary(r => r.Name, r => r.Value.GetString()!));
    }

    public WebApplicationFactory<global::Program> Factory { get; }

    /// <summary>Department code → role → token.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Tokens { get; }

    public string Address => Factory.Server.BaseAddress.AbsoluteUri;

    public Task<CliRun> ImportAsync(string file, string token, params string[] options) =>
        Elic.RunAsync(Factory.Server.CreateHandler, ["import", file, "--api", Address, "--token", token, .. options]);

    public void Dispose()
    {
        Factory.Dispose();
        data.Dispose();
    }
}

public sealed class HttpImportTests(RegistryApiFixture api) : IClassFixture<RegistryApiFixture>
{
    [Fact]
    public async Task Sample_import_creates_27_and_rejects_lines_7_15_23_then_is_idempotent()
    {
        var token = api.Tokens[ImportSample.Issuer]["issuer"];

        var first = await api.ImportAsync(Repository.ImportSample, token, "--json");

        Assert.True(first.ExitCode == 1, first.ToString());
        var report = ImportReportView.Parse(first);
        Assert.Equal((30, 27, 0, 0, 3), (report.Lines, report.Created, report.NewVersion, report.Unchanged, report.Rejected));
        report.ShowsTheSampleDefects();

        var second = await api.ImportAsync(Repository.ImportSample, token);

        Assert.True(second.ExitCode == 1, second.ToString());
        Assert.Matches(@"unchanged\s+27", second.Output);
        Assert.Matches(@"rejected\s+3", second.Output);
        Assert.Matches(@"\b15\s+validation-failed\s+/照面/", second.Output);
        ImportSample.AssertNoHolderData(second);
    }

    [Fact]
    public async Task Unknown_token_exits_2_with_the_servers_problem_detail()
    {
        var run = await api.ImportAsync(Repository.ImportSample, "elic_not-a-real-token");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("401", run.Error, StringComparison.Ordinal);
        Assert.Contains("Send a department credential", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("elic_not-a-real-token", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Output);
    }

    [Fact]
    public async Task Verifier_token_exits_2_with_the_servers_problem_detail()
    {
        var run = await api.ImportAsync(Repository.ImportSample, api.Tokens[ImportSample.Issuer]["verifier"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("403", run.Error, StringComparison.Ordinal);
        Assert.Contains("does not allow this operation", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_registry_exits_2()
    {
        // A real socket handler against a port nothing listens on: connection refused.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var run = await Elic.RunAsync("import", Repository.ImportSample, "--api", $"http://127.0.0.1:{port}", "--token", "elic_x");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("cannot reach the registry", run.Error, StringComparison.Ordinal);
    }
}

public sealed class HttpImportInPartsTests(RegistryApiFixture api) : IClassFixture<RegistryApiFixture>
{
    [Fact]
    public async Task Small_parts_report_the_files_own_line_numbers()
    {
        var run = await api.ImportAsync(Repository.ImportSample, api.Tokens[ImportSample.Issuer]["issuer"], "--lines-per-request", "4", "--json");

        Assert.True(run.ExitCode == 1, run.ToString());
        var report = ImportReportView.Parse(run);
        Assert.Equal((30, 27, 3), (report.Lines, report.Created, report.Rejected));
        report.ShowsTheSampleDefects();
    }
}
