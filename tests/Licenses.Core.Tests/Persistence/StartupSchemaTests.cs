using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Licenses.Tests.Persistence;

/// <summary>What start-up does with a database that is not at this build's schema.</summary>
public sealed class StartupSchemaTests
{
    [Fact]
    public async Task Registry_ahead_of_this_build_is_refused_untouched()
    {
        await using var legacy = await LegacyRegistry.CopyAsync(DatabaseProvider.Sqlite);
        await using (var services = legacy.Services())
        {
            await services.GetRequiredService<RegistryInitializer>().InitializeAsync();
        }

        await Execute(legacy, "INSERT INTO __EFMigrationsHistory VALUES ('29990101000000_FromANewerBuild', '99.0.0')");
        var before = await legacy.RowsAsync();

        await using (var services = legacy.Services())
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => services.GetRequiredService<RegistryInitializer>().InitializeAsync());
            Assert.Contains("newer build", refused.Message, StringComparison.Ordinal);
            Assert.Contains("29990101000000_FromANewerBuild", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, await legacy.RowsAsync());
    }

    [Fact]
    public async Task Pre_migration_registry_lacking_a_column_is_not_baselined_and_the_column_is_named()
    {
        await using var legacy = await LegacyRegistry.CopyAsync(DatabaseProvider.Sqlite);
        await Execute(legacy, "DROP INDEX IX_audit_events_license_id; ALTER TABLE audit_events DROP COLUMN license_id");

        await using var services = legacy.Services();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => services.GetRequiredService<RegistryInitializer>().InitializeAsync());
        Assert.Contains("column audit_events.license_id", refused.Message, StringComparison.Ordinal);
        var status = await services.GetRequiredService<RegistrySchema>().GetStatusAsync();
        Assert.True(status.NeedsBaseline);   // nothing was recorded
    }

    [PostgresFact]
    public async Task Server_database_with_pending_migrations_is_refused_until_its_administrator_migrates_it()
    {
        await using var legacy = await LegacyRegistry.CopyAsync(DatabaseProvider.PostgreSql);
        var before = await legacy.RowsAsync();
        await using (var services = legacy.Services())
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => services.GetRequiredService<RegistryInitializer>().InitializeAsync());
            Assert.Contains("elic db migrate", refused.Message, StringComparison.Ordinal);
            Assert.Contains(RegistrySchema.InitialMigration, refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, await legacy.RowsAsync());
        await using (var services = legacy.Services())
        {
            await services.GetRequiredService<RegistrySchema>().MigrateAsync();
            await services.GetRequiredService<RegistryInitializer>().InitializeAsync();
        }
    }

    private static async Task Execute(LegacyRegistry registry, string sql)
    {
        await using var connection = registry.Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
