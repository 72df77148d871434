using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Persistence;

/// <summary>Where a registry database stands against the migrations this build knows.</summary>
/// <param name="Provider">The database engine.</param>
/// <param name="Applied">Migrations recorded in the database, oldest first.</param>
/// <param name="Pending">Migrations of this build not yet applied, oldest first (all of them for an empty database).</param>
/// <param name="Unknown">Migrations recorded in the database that this build does not have: a newer build upgraded it.</param>
/// <param name="NeedsBaseline">The database was created before migrations existed (its tables but no history): the first
/// migration will be recorded as applied, not run.</param>
public sealed record SchemaStatus(
    DatabaseProvider Provider,
    IReadOnlyList<string> Applied,
    IReadOnlyList<string> Pending,
    IReadOnlyList<string> Unknown,
    bool NeedsBaseline)
{
    /// <summary>Whether the database matches this build exactly.</summary>
    public bool IsCurrent => Pending.Count == 0 && Unknown.Count == 0;
}

/// <summary>The registry database's schema: its migration status, upgrades, and the SQL script of the upgrade.</summary>
/// <remarks>
/// Registries created before migrations existed (by <c>EnsureCreated</c>: every table, no <c>__EFMigrationsHistory</c>) are
/// recognised: every table and column of the first migration is checked to be there, then that migration is recorded as
/// applied, and later ones run as usual. A database holding migrations this build does not know is never touched.
/// </remarks>
public sealed class RegistrySchema
{
    /// <summary>The first migration: the schema the registry had when it was created by <c>EnsureCreated</c>.</summary>
    public const string InitialMigration = "20261207000000_InitialCreate";

    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly StorageOptions storage;

    internal RegistrySchema(IDbContextFactory<RegistryDbContext> contexts, IOptions<StorageOptions> storage)
    {
        this.contexts = contexts;
        this.storage = storage.Value;
    }

    /// <summary>The configured database engine.</summary>
    public DatabaseProvider Provider => RegistryDatabase.ParseProvider(storage.Provider);

    /// <summary>Whether start-up applies pending migrations (<c>Storage:MigrateAtStartup</c>; by default only on SQLite).</summary>
    public bool MigratesAtStartup => storage.MigrateAtStartup ?? Provider == DatabaseProvider.Sqlite;

    /// <summary>Reads the database's migration history and compares it with this build's migrations.</summary>
    /// <exception cref="DbException">The database cannot be reached.</exception>
    public async Task<SchemaStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await StatusAsync(db, cancellationToken);
    }

    /// <summary>Applies every pending migration (baselining a registry created before migrations first).</summary>
    /// <returns>The migrations applied, oldest first; empty when the database was current.</returns>
    /// <exception cref="InvalidOperationException">The database is ahead of this build, or it is a pre-migration registry
    /// missing tables or columns of the first migration.</exception>
    /// <exception cref="DbException">The database cannot be reached, or a migration failed (its transaction is rolled back).</exception>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var status = await StatusAsync(db, cancellationToken);
        RefuseUnknown(status);
        if (status.NeedsBaseline)
        {
            await BaselineAsync(db, cancellationToken);
        }

        var pending = status.NeedsBaseline ? status.Pending.Skip(1).ToArray() : status.Pending;
        if (pending.Count > 0)
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        return pending;
    }

    /// <summary>The SQL that brings a database from <paramref name="fromMigration"/> (default: empty) to this build.</summary>
    /// <param name="fromMigration">The last migration the database has, or null for an empty database.</param>
    /// <param name="idempotent">Guard each migration with a check of the history table, so the script runs safely on a
    /// database at any earlier migration (PostgreSQL and SQL Server; SQLite has no such guard).</param>
    /// <param name="baseline">Begin by recording the first migration as applied (a registry created before migrations).</param>
    /// <exception cref="ArgumentException"><paramref name="fromMigration"/> is not a migration of this build.</exception>
    public string Script(string? fromMigration = null, bool idempotent = true, bool baseline = false)
    {
        using var db = contexts.CreateDbContext();
        var guarded = idempotent && Provider != DatabaseProvider.Sqlite;
        var script = db.GetService<IMigrator>().GenerateScript(
            fromMigration, null, guarded ? MigrationsSqlGenerationOptions.Idempotent : MigrationsSqlGenerationOptions.Default);
        if (!baseline)
        {
            return script;
        }

        var history = db.GetService<IHistoryRepository>();
        var insert = history.GetInsertScript(new HistoryRow(InitialMigration, ProductVersion));
        var record = guarded ? history.GetBeginIfNotExistsScript(InitialMigration) + "\n" + insert + history.GetEndIfScript() : insert;
        return "-- Records the schema made before migrations as the first migration, so the script below starts after it.\n"
            + history.GetCreateIfNotExistsScript() + "\n" + record + "\n" + script;
    }

    /// <summary>Brings the schema to this build at start-up, or refuses to start with what to do.</summary>
    internal async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        var status = await GetStatusAsync(cancellationToken);
        RefuseUnknown(status);
        if (status.Pending.Count == 0)
        {
            return;
        }

        if (!MigratesAtStartup)
        {
            throw new InvalidOperationException(
                $"the {Provider} database needs {status.Pending.Count} migration(s) this build brings ({string.Join(", ", status.Pending)})"
                + (status.NeedsBaseline ? ", after recording the existing schema as the first" : string.Empty)
                + ". Apply them with `elic db migrate`, or review and run the SQL of `elic db script`; or set Storage:MigrateAtStartup=true.");
        }

        await MigrateAsync(cancellationToken);
    }

    private static async Task<SchemaStatus> StatusAsync(RegistryDbContext db, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToArray();
        var provider = RegistryDatabase.ProviderOf(db.Database);
        var history = db.GetService<IHistoryRepository>();
        // Not IHistoryRepository.ExistsAsync: Npgsql's always answers true (it cannot know the search_path), so ask the table itself.
        if (!await TableExistsAsync(db, HistoryRepository.DefaultTableName, cancellationToken))
        {
            var legacy = await TableExistsAsync(db, "licenses", cancellationToken);
            return new SchemaStatus(provider, [], known, [], legacy);
        }

        var applied = (await history.GetAppliedMigrationsAsync(cancellationToken)).Select(m => m.MigrationId).ToArray();
        return new SchemaStatus(provider, applied, known.Except(applied, StringComparer.Ordinal).ToArray(), applied.Except(known, StringComparer.Ordinal).ToArray(), false);
    }

    /// <summary>The EF Core version written into the history table beside each migration, as its own migrator does.</summary>
    private static string ProductVersion => typeof(DbContext).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion.Split('+')[0];

    private static void RefuseUnknown(SchemaStatus status)
    {
        if (status.Unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"the database was upgraded by a newer build of the registry: it has migration(s) this build does not know ({string.Join(", ", status.Unknown)}). "
                + "Run that build or a newer one; this one would misread the data.");
        }
    }

    /// <summary>Records the first migration as applied on a registry whose schema <c>EnsureCreated</c> made.</summary>
    private static async Task BaselineAsync(RegistryDbContext db, CancellationToken cancellationToken)
    {
        var missing = await MissingFromInitialSchemaAsync(db, cancellationToken);
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "the database was created before migrations existed, but it lacks part of the first migration's schema, so it cannot be recorded as "
                + $"having it: {string.Join("; ", missing)}. Add what is missing (see the README, Upgrading a registry) or restore a complete backup.");
        }

        var history = db.GetService<IHistoryRepository>();
        await db.Database.ExecuteSqlRawAsync(history.GetCreateIfNotExistsScript(), cancellationToken);
        await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(InitialMigration, ProductVersion)), cancellationToken);
    }

    /// <summary>Each table or column of the first migration's model the database does not have.</summary>
    private static async Task<IReadOnlyList<string>> MissingFromInitialSchemaAsync(RegistryDbContext db, CancellationToken cancellationToken)
    {
        var migrations = db.GetService<IMigrationsAssembly>();
        var initial = migrations.CreateMigration(migrations.Migrations[InitialMigration], db.Database.ProviderName!);
        var model = db.GetService<IModelRuntimeInitializer>().Initialize(initial.TargetModel!, designTime: true);
        var sql = db.GetService<ISqlGenerationHelper>();
        var missing = new List<string>();
        foreach (var table in model.GetRelationalModel().Tables)
        {
            var columns = table.Columns.Select(c => c.Name).ToArray();
            if (await SelectsAsync(db, sql, table, columns, cancellationToken))
            {
                continue;
            }

            if (!await TableExistsAsync(db, table.Name, cancellationToken))
            {
                missing.Add($"table {table.Name}");
                continue;
            }

            foreach (var column in columns)
            {
                if (!await SelectsAsync(db, sql, table, [column], cancellationToken))
                {
                    missing.Add($"column {table.Name}.{column}");
                }
            }
        }

        return missing;
    }

    private static async Task<bool> SelectsAsync(RegistryDbContext db, ISqlGenerationHelper sql, ITable table, string[] columns, CancellationToken cancellationToken)
    {
        var list = string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c)));
        return await TryQueryAsync(db, $"SELECT {list} FROM {sql.DelimitIdentifier(table.Name, table.Schema)} WHERE 1 = 0", cancellationToken);
    }

    private static Task<bool> TableExistsAsync(RegistryDbContext db, string table, CancellationToken cancellationToken) =>
        TryQueryAsync(db, $"SELECT 1 FROM {db.GetService<ISqlGenerationHelper>().DelimitIdentifier(table)} WHERE 1 = 0", cancellationToken);

    // Outside any transaction, so a failed probe cannot abort anything else (PostgreSQL aborts the whole transaction).
    private static async Task<bool> TryQueryAsync(RegistryDbContext db, string sql, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return true;
        }
        catch (DbException)
        {
            return false;
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}
