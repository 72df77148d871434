using System.Net.Http.Headers;
using System.Text.Json;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ElectronicLicense.Api.Tests.Infrastructure;

/// <summary>Which database the API under test uses.</summary>
public enum Database
{
    Sqlite,
    PostgreSql,
}

/// <summary>Hosts the API on a fresh data directory (and, for PostgreSQL, a fresh database) per instance.</summary>
public sealed class RegistryApiFactory : WebApplicationFactory<Program>
{
    /// <summary>Set by scripts/test.sh, which starts a throwaway server.</summary>
    public const string PostgresVariable = "ELIC_TEST_POSTGRES";

    private readonly Database database;
    private readonly Dictionary<string, string> settings;
    private string? postgresDatabase;
    private Dictionary<string, Dictionary<string, string>>? tokens;

    public RegistryApiFactory(Database database, IDictionary<string, string>? settings = null)
    {
        this.database = database;
        this.settings = new Dictionary<string, string>(settings ?? new Dictionary<string, string>());
        DataDirectory = Directory.CreateTempSubdirectory("elic-api-test-").FullName;
    }

    public string DataDirectory { get; }

    /// <summary>Department code → role → token, from the first start's demo-credentials.json.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, string>> Tokens =>
        tokens ??= JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(
            File.ReadAllText(Path.Combine(DataDirectory, "demo-credentials.json")))!;

    public HttpClient ClientFor(string departmentCode, string role)
    {
        _ = Server; // start the host so that credentials exist
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens[departmentCode][role]);
        return client;
    }

    /// <summary>Runs a query directly against the registry database, to check what was (not) stored.</summary>
    internal async Task<T> QueryAsync<T>(Func<RegistryDbContext, Task<T>> query)
    {
        var contexts = Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        return await query(db);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        if (database == Database.PostgreSql)
        {
            builder.UseSetting("Storage:Provider", "postgresql");
            builder.UseSetting("Storage:ConnectionString", CreatePostgresDatabase());
            builder.UseSetting("Storage:MigrateAtStartup", "true");   // each test owns its fresh database
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    private string CreatePostgresDatabase()
    {
        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrEmpty(server))
        {
            throw new InvalidOperationException(
                $"PostgreSQL tests need {PostgresVariable}; scripts/test.sh installs and starts a throwaway server and sets it.");
        }

        postgresDatabase = "elic_test_" + Guid.NewGuid().ToString("N")[..12];
        using var connection = new NpgsqlConnection(server);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {postgresDatabase}", connection);
        command.ExecuteNonQuery();
        return new NpgsqlConnectionStringBuilder(server) { Database = postgresDatabase }.ConnectionString;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        if (postgresDatabase is not null)
        {
            using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable(PostgresVariable));
            connection.Open();
            using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {postgresDatabase} WITH (FORCE)", connection);
            command.ExecuteNonQuery();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a background thread; the temp folder is cleaned by the OS.
        }
    }
}
