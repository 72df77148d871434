using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Persistence;

/// <summary>The database engines the registry runs on.</summary>
public enum DatabaseProvider
{
    /// <summary>SQLite: the embedded default, one file in the data directory.</summary>
    Sqlite,

    /// <summary>PostgreSQL: the server database the registry is tested on.</summary>
    PostgreSql,

    /// <summary>Microsoft SQL Server: its migrations are generated and checked, but not run against a live server here.</summary>
    SqlServer,
}

/// <summary>How the registry's <see cref="RegistryDbContext"/> is bound to a provider and to that provider's migrations.</summary>
/// <remarks>
/// Each provider has its own migrations assembly (EF Core, "Migrations with Multiple Providers"): the model is the same, the
/// SQL differs. Hosts reference all three assemblies; the one matching the configured provider is loaded by name.
/// </remarks>
internal static class RegistryDatabase
{
    public static DatabaseProvider ParseProvider(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sqlite" => DatabaseProvider.Sqlite,
        "postgresql" or "postgres" or "npgsql" => DatabaseProvider.PostgreSql,
        "sqlserver" or "mssql" => DatabaseProvider.SqlServer,
        _ => throw new InvalidOperationException($"Storage:Provider must be sqlite, postgresql or sqlserver, got '{value}'."),
    };

    /// <summary>The provider a context runs on.</summary>
    public static DatabaseProvider ProviderOf(Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade database) =>
        database.IsSqlite() ? DatabaseProvider.Sqlite
        : database.IsNpgsql() ? DatabaseProvider.PostgreSql
        : database.IsSqlServer() ? DatabaseProvider.SqlServer
        : throw new InvalidOperationException($"unsupported database provider {database.ProviderName}");

    public static string MigrationsAssembly(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => "ElectronicLicense.Licenses.Migrations.Sqlite",
        DatabaseProvider.PostgreSql => "ElectronicLicense.Licenses.Migrations.PostgreSql",
        DatabaseProvider.SqlServer => "ElectronicLicense.Licenses.Migrations.SqlServer",
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    /// <summary>Binds <paramref name="options"/> to the configured provider and its migrations.</summary>
    public static void Configure(DbContextOptionsBuilder options, StorageOptions storage)
    {
        var provider = ParseProvider(storage.Provider);
        Configure(options, provider, ConnectionString(storage, provider));
    }

    public static void Configure(DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString)
    {
        var assembly = MigrationsAssembly(provider);
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                options.UseSqlite(connectionString, o => o.MigrationsAssembly(assembly));
                break;
            case DatabaseProvider.PostgreSql:
                options.UseNpgsql(connectionString, o => o.MigrationsAssembly(assembly));
                break;
            case DatabaseProvider.SqlServer:
                options.UseSqlServer(connectionString, o => o.MigrationsAssembly(assembly));
                break;
        }
    }

    /// <summary>Options for a context on <paramref name="connectionString"/> (tests and benchmarks that build one directly).</summary>
    public static DbContextOptions<RegistryDbContext> Options(DatabaseProvider provider, string connectionString)
    {
        var options = new DbContextOptionsBuilder<RegistryDbContext>();
        Configure(options, provider, connectionString);
        return options.Options;
    }

    public static string ConnectionString(StorageOptions storage, DatabaseProvider provider) =>
        storage.ConnectionString is { Length: > 0 } configured ? configured
        : provider == DatabaseProvider.Sqlite ? $"Data Source={Path.GetFullPath(Path.Combine(storage.DataDirectory, "registry.db"))};Default Timeout=30"
        : throw new InvalidOperationException($"Storage:ConnectionString is required when Storage:Provider is {storage.Provider}.");
}
