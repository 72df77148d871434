using ElectronicLicense.Cli.Tests.Support;
using ElectronicLicense.TestSupport;

namespace ElectronicLicense.Cli.Tests.Import;

public sealed class LocalImportTests
{
    [Fact]
    public async Task Sample_import_creates_27_and_rejects_lines_7_15_23_then_is_idempotent()
    {
        using var data = new TempDirectory();

        var first = await Elic.RunAsync("import", Repository.ImportSample, "--data-dir", data.FullName, "--as", ImportSample.Issuer, "--json");

        Assert.True(first.ExitCode == 1, first.ToString());
        var report = ImportReportView.Parse(first);
        Assert.Equal((30, 27, 0, 0, 3), (report.Lines, report.Created, report.NewVersion, report.Unchanged, report.Rejected));
        report.ShowsTheSampleDefects();

        var second = await Elic.RunAsync("import", Repository.ImportSample, "--data-dir", data.FullName, "--as", ImportSample.Issuer, "--json");

        Assert.True(second.ExitCode == 1, second.ToString());
        var again = ImportReportView.Parse(second);
        Assert.Equal((30, 0, 0, 27, 3), (again.Lines, again.Created, again.NewVersion, again.Unchanged, again.Rejected));
        again.ShowsTheSampleDefects();
    }

    [PostgresFact]
    public async Task Sample_import_into_postgresql_creates_27_then_is_idempotent()
    {
        using var data = new TempDirectory();
        await using var database = await TempPostgresDatabase.CreateAsync();
        string[] args = ["import", Repository.ImportSample, "--data-dir", data.FullName, "--as", ImportSample.Issuer, "--postgres", database.ConnectionString, "--json"];

        // A server database is upgraded by its administrator before the registry uses it.
        var refused = await Elic.RunAsync(args);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("elic db migrate", refused.Error, StringComparison.Ordinal);
        var migrate = await Elic.RunAsync("db", "migrate", "--postgres", database.ConnectionString);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());

        var first = await Elic.RunAsync(args);
        var second = await Elic.RunAsync(args);

        Assert.True(first.ExitCode == 1, first.ToString());
        var report = ImportReportView.Parse(first);
        Assert.Equal((30, 27, 0, 3), (report.Lines, report.Created, report.Unchanged, report.Rejected));
        report.ShowsTheSampleDefects();
        Assert.True(second.ExitCode == 1, second.ToString());
        var again = ImportReportView.Parse(second);
        Assert.Equal((30, 0, 27, 3), (again.Lines, again.Created, again.Unchanged, again.Rejected));
    }

    [Fact]
    public async Task Unreachable_postgresql_exits_2()
    {
        using var data = new TempDirectory();

        var run = await Elic.RunAsync("import", Repository.ImportSample, "--data-dir", data.FullName, "--as", ImportSample.Issuer,
            "--postgres", "Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=2");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("database", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_report_lists_counts_and_rejected_lines_without_holder_data()
    {
        using var data = new TempDirectory();

        var run = await Elic.RunAsync("import", Repository.ImportSample, "--data-dir", data.FullName, "--as", ImportSample.Issuer);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Matches(@"created\s+27", run.Output);
        Assert.Matches(@"rejected\s+3", run.Output);
        Assert.Matches(@"\b7\s+validation-failed\s+/持证主体代码", run.Output);
        Assert.Matches(@"\b23\s+validation-failed\s+/颁发日期", run.Output);
        ImportSample.AssertNoHolderData(run);
    }

    [Fact]
    public async Task File_without_bad_lines_exits_0()
    {
        using var data = new TempDirectory();
        ImportSample.WriteValidLines(data.File("valid.ndjson"));

        var run = await Elic.RunAsync("import", data.File("valid.ndjson"), "--data-dir", data.File("registry"), "--as", ImportSample.Issuer, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var report = ImportReportView.Parse(run);
        Assert.Equal((27, 27, 0), (report.Lines, report.Created, report.Rejected));
    }

    [Theory]
    [InlineData("91110000600037341L")] // valid code, not a department of the registry
    [InlineData("11500000MB15040166")] // 重庆市大数据应用发展管理局: a department without the issuer role
    [InlineData("11500000MB1503013X")] // wrong check character
    public async Task Department_that_cannot_issue_exits_2(string department)
    {
        using var data = new TempDirectory();

        var run = await Elic.RunAsync("import", Repository.ImportSample, "--data-dir", data.FullName, "--as", department);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--as", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Output);
    }

    [Theory]
    [InlineData("--data-dir", "d")]
    [InlineData("--api", "http://localhost", "--token", "elic_x", "--data-dir", "d", "--as", ImportSample.Issuer)]
    [InlineData("--api", "not a url", "--token", "elic_x")]
    [InlineData("--api", "http://localhost")]
    [InlineData("--api", "http://localhost", "--token", "elic_x", "--as", ImportSample.Issuer)]
    [InlineData("--unknown-option")]
    public async Task Usage_errors_exit_2(params string[] options)
    {
        var run = await Elic.RunAsync(["import", Repository.ImportSample, .. options]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.NotEqual(string.Empty, run.Error);
    }

    [Fact]
    public async Task Missing_file_exits_2()
    {
        using var data = new TempDirectory();

        var run = await Elic.RunAsync("import", data.File("none.ndjson"), "--data-dir", data.FullName, "--as", ImportSample.Issuer);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not found", run.Error, StringComparison.Ordinal);
    }
}
