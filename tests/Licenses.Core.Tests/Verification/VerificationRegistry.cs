using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Registry;
using ElectronicLicense.Licenses.Tests.Samples;
using ElectronicLicense.Licenses.Verification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Licenses.Tests.Verification;

/// <summary>A clock that tests can move; it runs with real time otherwise.</summary>
internal sealed class MovableClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

/// <summary>A whole embedded registry (SQLite, shipped catalog, demo departments and seals) with a movable clock, for 核验 tests.</summary>
public sealed class VerificationRegistry : IAsyncLifetime
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("elic-core-verification-");
    private ServiceProvider? services;

    internal MovableClock Clock { get; } = new();

    /// <summary>What the first start created, demo credentials included.</summary>
    internal RegistryStartup? Startup { get; private set; }

    internal IServiceProvider Services => services ?? throw new InvalidOperationException("The registry has not started.");

    internal VerificationService Verification => Services.GetRequiredService<VerificationService>();

    internal IngestService Ingest => Services.GetRequiredService<IngestService>();

    internal LicenseQueryService Queries => Services.GetRequiredService<LicenseQueryService>();

    internal LifecycleService Lifecycle => Services.GetRequiredService<LifecycleService>();

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = directory.FullName,
            ["Catalog:SchemaDirectory"] = RepositoryFiles.Schemas,
            ["Departments:SeedFile"] = RepositoryFiles.Sample("departments.json"),
        }).Build();
        services = new ServiceCollection().AddSingleton<TimeProvider>(Clock).AddLicenseRegistry(configuration).BuildServiceProvider();
        Startup = await services.GetRequiredService<RegistryInitializer>().InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (services is not null)
        {
            await services.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    internal async Task<DepartmentIdentity> ActAsAsync(string code, DepartmentRole role) =>
        await Services.GetRequiredService<DepartmentDirectory>().ActAsAsync(UnifiedSocialCreditCode.Parse(code), role)
        ?? throw new InvalidOperationException($"{code} has no {role} role in samples/departments.json.");

    internal async Task<byte[]> DocumentAsync(DepartmentIdentity caller, LicenseId id, string format)
    {
        var (_, content) = await Queries.OpenDocumentAsync(caller, id, format);
        await using (content)
        {
            using var memory = new MemoryStream();
            await content.CopyToAsync(memory);
            return memory.ToArray();
        }
    }

    internal async Task ExecuteAsync(Func<RegistryDbContext, Task> action)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync();
        await action(db);
    }
}
