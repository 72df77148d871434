using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace ElectronicLicense.Licenses.Tests.Persistence;

/// <summary>The migrations of every provider match the model, and the first reproduces the schema registries were made with.</summary>
public sealed class MigrationTests
{
    private static readonly DatabaseProvider[] All = [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql, DatabaseProvider.SqlServer];

    public static TheoryData<DatabaseProvider> Providers => [.. All];

    private static RegistryDbContext Context(DatabaseProvider provider) => new(RegistryDatabase.Options(provider, provider switch
    {
        DatabaseProvider.Sqlite => "Data Source=:memory:",
        DatabaseProvider.PostgreSql => "Host=unused",
        _ => "Server=unused",
    }));

    [Theory]
    [MemberData(nameof(Providers))]
    public void Model_changes_come_with_a_migration(DatabaseProvider provider)
    {
        using var db = Context(provider);

        // Fails after a change to an entity or its configuration until `dotnet ef migrations add` ran for this provider.
        Assert.False(db.Database.HasPendingModelChanges(),
            $"the model differs from the {provider} migrations' snapshot: add a migration to src/Licenses.Migrations.{provider} (see README, Changing the schema)");
    }

    [Fact]
    public void Every_provider_has_the_same_migrations()
    {
        var ids = All.Select(p => { using var db = Context(p); return string.Join(",", db.Database.GetMigrations()); }).Distinct().ToArray();
        Assert.Single(ids);
        Assert.StartsWith(RegistrySchema.InitialMigration, ids[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Sql_server_model_validates_and_its_script_creates_every_table_and_index()
    {
        using var db = Context(DatabaseProvider.SqlServer);
        var model = db.GetService<IDesignTimeModel>().Model;   // building it runs SQL Server's model validation
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        var tables = model.GetRelationalModel().Tables.ToArray();
        Assert.Equal(22, tables.Length);
        foreach (var table in tables)
        {
            Assert.Contains($"CREATE TABLE [{table.Name}] (", script, StringComparison.Ordinal);
            foreach (var index in table.Indexes)
            {
                Assert.Contains($"INDEX [{index.Name}] ON [{table.Name}]", script, StringComparison.Ordinal);
            }

            foreach (var key in table.ForeignKeyConstraints)
            {
                Assert.Contains($"CONSTRAINT [{key.Name}] FOREIGN KEY", script, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Sqlite_initial_migration_makes_exactly_the_schema_EnsureCreated_made()
    {
        var folder = Directory.CreateTempSubdirectory("elic-migrate-");
        try
        {
            var fresh = $"Data Source={Path.Combine(folder.FullName, "registry.db")};Pooling=false";
            await using (var db = new RegistryDbContext(RegistryDatabase.Options(DatabaseProvider.Sqlite, fresh)))
            {
                await db.Database.GetService<IMigrator>().MigrateAsync(RegistrySchema.InitialMigration);
            }

            var legacy = $"Data Source={Path.Combine(LegacyRegistry.FixtureFolder(DatabaseProvider.Sqlite), "registry.db")};Mode=ReadOnly;Pooling=false";
            Assert.Equal(await SqliteSchemaAsync(legacy), await SqliteSchemaAsync(fresh));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [PostgresFact]
    public async Task PostgreSql_initial_migration_makes_exactly_the_schema_EnsureCreated_made()
    {
        await using var legacy = await LegacyRegistry.CopyAsync(DatabaseProvider.PostgreSql);
        await using var fresh = await TempPostgresDatabase.CreateAsync();
        await using (var db = new RegistryDbContext(RegistryDatabase.Options(DatabaseProvider.PostgreSql, fresh.ConnectionString)))
        {
            await db.Database.GetService<IMigrator>().MigrateAsync(RegistrySchema.InitialMigration);
        }

        Assert.Equal(await PostgresSchemaAsync(legacy.ConnectionString), await PostgresSchemaAsync(fresh.ConnectionString));
    }

    /// <summary>Every table's and index's CREATE statement, by name; the migration history is not part of the registry's schema.</summary>
    private static async Task<IReadOnlyList<string>> SqliteSchemaAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EFMigrations%' ORDER BY type, name";
        return await ReadAsync(command);
    }

    /// <summary>Columns (type, length, nullability, default), constraints and index definitions of the public schema.</summary>
    private static async Task<IReadOnlyList<string>> PostgresSchemaAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT 'column', table_name || '.' || column_name, concat_ws(' ', data_type, character_maximum_length, is_nullable, column_default, is_identity, identity_generation)
              FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '__EFMigrations%'
            UNION ALL
            SELECT 'constraint', conrelid::regclass::text || '.' || conname, pg_get_constraintdef(oid)
              FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE '%EFMigrations%'
            UNION ALL
            SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '__EFMigrations%'
            ORDER BY 1, 2
            """;
        return await ReadAsync(command);
    }

    private static async Task<IReadOnlyList<string>> ReadAsync(System.Data.Common.DbCommand command)
    {
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add($"{reader.GetString(0)} {reader.GetString(1)}: {(reader.IsDBNull(2) ? "" : reader.GetString(2))}");
        }

        return rows;
    }
}
