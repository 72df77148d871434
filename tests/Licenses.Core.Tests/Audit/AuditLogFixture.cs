using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Tests.Audit;

/// <summary>An audit log over a SQLite file in a temporary folder; <see cref="OpenAsync"/> can be called again to simulate a restart.</summary>
internal sealed class AuditLogFixture : IAsyncDisposable
{
    private readonly List<AuditLog> opened = [];

    public AuditLogFixture()
    {
        Directory.CreateDirectory(KeyDirectory);
    }

    public string Folder { get; } = Directory.CreateTempSubdirectory("elic-core-audit-").FullName;

    public string KeyDirectory => Path.Combine(Folder, "keys");

    public string DatabaseFile => Path.Combine(Folder, "registry.db");

    public IDbContextFactory<RegistryDbContext> Contexts { get; private set; } = null!;

    public async Task<AuditLog> OpenAsync(TimeProvider? clock = null, int maxBatch = 4096, TimeSpan? treeHeadInterval = null)
    {
        var options = RegistryDatabase.Options(DatabaseProvider.Sqlite, $"Data Source={DatabaseFile};Default Timeout=30");
        Contexts = new PooledDbContextFactory<RegistryDbContext>(options);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        var keys = new AuditKeys(
            Options.Create(new SealingOptions { KeyDirectory = KeyDirectory, KeyPassword = "test-fixture-password" }),
            Options.Create(new StorageOptions { DataDirectory = Folder }));
        var log = new AuditLog(Contexts, keys, clock ?? TimeProvider.System, Options.Create(new AuditOptions { MaxBatchSize = maxBatch, TreeHeadInterval = treeHeadInterval ?? TimeSpan.FromSeconds(10) }));
        opened.Add(log);
        return log;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var log in opened)
        {
            await log.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
