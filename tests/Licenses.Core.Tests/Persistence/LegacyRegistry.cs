using System.Data.Common;
using System.Globalization;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ElectronicLicense.Licenses.Tests.Persistence;

/// <summary>A copy of a registry made before migrations (tests/Fixtures/registry-before-migrations), ready to open.</summary>
internal sealed class LegacyRegistry : IAsyncDisposable
{
    private readonly TempPostgresDatabase? postgres;

    private LegacyRegistry(DatabaseProvider provider, DirectoryInfo data, TempPostgresDatabase? postgres)
    {
        Provider = provider;
        Data = data;
        this.postgres = postgres;
    }

    public DatabaseProvider Provider { get; }

    public DirectoryInfo Data { get; }

    public string ConnectionString => postgres?.ConnectionString ?? $"Data Source={Path.Combine(Data.FullName, "registry.db")};Pooling=false";

    public static string FixtureFolder(DatabaseProvider provider) =>
        RepositoryFiles.Path("tests", "Fixtures", "registry-before-migrations", provider == DatabaseProvider.Sqlite ? "sqlite" : "postgresql");

    /// <summary>Copies the fixture: the data directory, and on PostgreSQL its dump restored into a fresh database.</summary>
    public static async Task<LegacyRegistry> CopyAsync(DatabaseProvider provider)
    {
        var data = RepositoryFiles.CopyToTemporary(FixtureFolder(provider), "elic-legacy-");
        if (provider == DatabaseProvider.Sqlite)
        {
            return new LegacyRegistry(provider, data, null);
        }

        var database = await TempPostgresDatabase.CreateAsync();
        var dump = Path.Combine(data.FullName, "registry.sql");
        await database.ExecuteScriptAsync(await File.ReadAllTextAsync(dump));
        File.Delete(dump);
        return new LegacyRegistry(provider, data, database);
    }

    /// <summary>The whole registry on this copy, configured as its host would be.</summary>
    public ServiceProvider Services(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = Data.FullName,
            ["Storage:Provider"] = Provider == DatabaseProvider.Sqlite ? "sqlite" : "postgresql",
            ["Storage:ConnectionString"] = Provider == DatabaseProvider.Sqlite ? null : postgres!.ConnectionString,
            ["Archives:RunWorker"] = "false",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return new ServiceCollection().AddLicenseRegistry(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
    }

    /// <summary>Every row of every registry table (not the migration history), each as text, sorted: equal before and after means intact.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> RowsAsync()
    {
        await using var connection = Open();
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = Provider == DatabaseProvider.Sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var rows = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var table in tables.Where(t => t != "__EFMigrationsHistory"))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            var list = new List<string>();
            while (await reader.ReadAsync())
            {
                list.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetName(i) + "=" + Text(reader.GetValue(i)))));
            }

            list.Sort(StringComparer.Ordinal);
            rows[table] = list;
        }

        return rows;
    }

    public DbConnection Open() => Provider == DatabaseProvider.Sqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }

        Data.Delete(recursive: true);
    }

    // Instants as UTC ticks: SQLite hands back text and PostgreSQL DateTime; both must name the same instant.
    private static string Text(object value) => value switch
    {
        DBNull => "null",
        byte[] bytes => Convert.ToHexStringLower(bytes),
        DateTime time => time.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture),
        DateTimeOffset time => time.UtcTicks.ToString(CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
