using ElectronicLicense.Cli.Tests.Support;
using ElectronicLicense.TestSupport;
using Microsoft.Data.Sqlite;

namespace ElectronicLicense.Cli.Tests.Database;

public sealed class DbCommandTests
{
    private const string Initial = "20261207000000_InitialCreate";

    private static string Fixture(string store) => RepositoryFiles.Path("tests", "Fixtures", "registry-before-migrations", store);

    [Fact]
    public async Task Migrate_baselines_a_registry_made_before_migrations_then_status_is_current()
    {
        var data = RepositoryFiles.CopyToTemporary(Fixture("sqlite"), "elic-db-cli-");
        try
        {
            var before = await Elic.RunAsync("db", "status", "--data-dir", data.FullName);
            Assert.True(before.ExitCode == 1, before.ToString());
            Assert.Contains($"pending:  {Initial} (created before migrations", before.Output, StringComparison.Ordinal);

            var migrate = await Elic.RunAsync("db", "migrate", "--data-dir", data.FullName);
            Assert.True(migrate.ExitCode == 0, migrate.ToString());
            Assert.Contains($"recorded the existing schema as {Initial}", migrate.Output, StringComparison.Ordinal);

            var after = await Elic.RunAsync("db", "status", "--data-dir", data.FullName, "--json");
            Assert.True(after.ExitCode == 0, after.ToString());
            Assert.Contains("\"current\": true", after.Output, StringComparison.Ordinal);
            Assert.Contains("nothing to apply", (await Elic.RunAsync("db", "migrate", "--data-dir", data.FullName)).Output, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_database_a_newer_build_upgraded_is_refused_and_left_alone()
    {
        var data = RepositoryFiles.CopyToTemporary(Fixture("sqlite"), "elic-db-cli-");
        try
        {
            Assert.Equal(0, (await Elic.RunAsync("db", "migrate", "--data-dir", data.FullName)).ExitCode);
            var file = Path.Combine(data.FullName, "registry.db");
            await using (var connection = new SqliteConnection($"Data Source={file};Pooling=false"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "INSERT INTO __EFMigrationsHistory VALUES ('29990101000000_FromANewerBuild', '99.0.0')";
                await command.ExecuteNonQueryAsync();
            }

            var status = await Elic.RunAsync("db", "status", "--data-dir", data.FullName);
            Assert.True(status.ExitCode == 2, status.ToString());
            Assert.Contains("unknown:  29990101000000_FromANewerBuild", status.Output, StringComparison.Ordinal);

            var migrate = await Elic.RunAsync("db", "migrate", "--data-dir", data.FullName);
            Assert.True(migrate.ExitCode == 2, migrate.ToString());
            Assert.Contains("upgraded by a newer build", migrate.Error, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Status_of_a_folder_without_a_registry_exits_2_and_says_so()
    {
        using var data = new TempDirectory();
        var run = await Elic.RunAsync("db", "status", "--data-dir", data.FullName);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("no registry database", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_server_script_is_idempotent_and_needs_no_server()
    {
        var run = await Elic.RunAsync("db", "script", "--provider", "sqlserver");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("CREATE TABLE [licenses]", run.Output, StringComparison.Ordinal);
        Assert.Contains($"WHERE [MigrationId] = N'{Initial}'", run.Output, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Baseline_script_run_by_a_dba_on_a_registry_made_before_migrations_makes_it_current()
    {
        await using var database = await TempPostgresDatabase.CreateAsync();
        await database.ExecuteScriptAsync(await File.ReadAllTextAsync(Path.Combine(Fixture("postgresql"), "registry.sql")));
        var script = await Elic.RunAsync("db", "script", "--provider", "postgresql", "--baseline");
        Assert.True(script.ExitCode == 0, script.ToString());

        await database.ExecuteScriptAsync(script.Output);
        await database.ExecuteScriptAsync(script.Output);   // idempotent: a second run changes nothing and does not fail

        var status = await Elic.RunAsync("db", "status", "--postgres", database.ConnectionString);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains($"applied:  {Initial}", status.Output, StringComparison.Ordinal);
    }
}
