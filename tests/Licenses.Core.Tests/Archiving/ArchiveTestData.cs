using System.Globalization;
using System.Text.Json.Nodes;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Tests.Issuance;
using ElectronicLicense.Licenses.Tests.Samples;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ElectronicLicense.Licenses.Tests.Archiving;

/// <summary>Licenses to archive: a sample pushed with a fresh 证照编号 and, optionally, its own 颁发日期.</summary>
internal static class ArchiveTestLicenses
{
    public static async Task<LicenseId> IssueAsync(IssuanceRegistry registry, string? issueDate = null, string sample = "food-business-license-1.json")
    {
        var body = JsonNode.Parse(File.ReadAllText(RepositoryFiles.Sample("licenses", sample)))!.AsObject();
        body["证照编号"] = "S" + Guid.NewGuid().ToString("N")[..20].ToUpperInvariant();
        if (issueDate is not null)
        {
            body["颁发日期"] = issueDate;
            body["有效期起始日期"] = issueDate;
            body["有效期截止日期"] = DateOnly.Parse(issueDate, CultureInfo.InvariantCulture).AddYears(4).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        var issuer = await registry.ActAsAsync((string)body["颁发机构代码"]!, DepartmentRole.Issuer);
        var result = await registry.Ingest.IngestAsync(issuer, body.ToJsonString());
        Assert.True(result.LicenseId is not null, result.Error?.Message);
        return result.LicenseId!;
    }
}

/// <summary>An empty registry database in a temporary folder (SQLite, WAL), for the archive queue and export job tests.</summary>
internal sealed class ScratchRegistryDatabase : IAsyncDisposable
{
    private readonly DirectoryInfo folder;

    private ScratchRegistryDatabase(DirectoryInfo folder, IDbContextFactory<RegistryDbContext> contexts)
    {
        this.folder = folder;
        Contexts = contexts;
    }

    public IDbContextFactory<RegistryDbContext> Contexts { get; }

    public static async Task<ScratchRegistryDatabase> CreateAsync()
    {
        var folder = Directory.CreateTempSubdirectory("elic-archive-db-");
        var options = RegistryDatabase.Options(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder.FullName, "registry.db")};Default Timeout=30");
        var database = new ScratchRegistryDatabase(folder, new PooledDbContextFactory<RegistryDbContext>(options));
        await using var db = await database.Contexts.CreateDbContextAsync();
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        return database;
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        folder.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }
}
