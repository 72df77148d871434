using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Issuance;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses;

/// <summary>What the first start created.</summary>
/// <param name="CatalogTypes">Number of license types loaded.</param>
/// <param name="DemoCredentialsFile">Where new demo credentials were written, or null when departments already existed.</param>
/// <param name="DemoCredentials">The new credentials (department code → role → token), shown once.</param>
/// <param name="Warnings">Catalog entries naming departments the registry does not know.</param>
public sealed record RegistryStartup(
    int CatalogTypes,
    string? DemoCredentialsFile,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? DemoCredentials,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Demo seals that will be made on first use for departments that never had one (embedded default).</summary>
    public int SealsMade { get; init; }
}

/// <summary>Prepares the registry before it serves: loads the catalog, brings the database schema to this build (or refuses to start), seeds demo departments.</summary>
public sealed class RegistryInitializer
{
    private readonly LicenseCatalog catalog;
    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly DepartmentDirectory departments;
    private readonly StorageOptions storage;
    private readonly DepartmentOptions departmentOptions;
    private readonly SealRegistry seals;
    private readonly SealingOptions sealing;
    private readonly IssuanceOptions issuance;
    private readonly RegistrySchema schema;

    internal RegistryInitializer(
        LicenseCatalog catalog,
        IDbContextFactory<RegistryDbContext> contexts,
        DepartmentDirectory departments,
        IOptions<StorageOptions> storage,
        IOptions<DepartmentOptions> departmentOptions,
        SealRegistry seals,
        IOptions<SealingOptions> sealing,
        IOptions<IssuanceOptions> issuance,
        RegistrySchema schema)
    {
        this.schema = schema;
        this.seals = seals;
        this.sealing = sealing.Value;
        this.issuance = issuance.Value;
        this.catalog = catalog;
        this.contexts = contexts;
        this.departments = departments;
        this.storage = storage.Value;
        this.departmentOptions = departmentOptions.Value;
    }

    /// <summary>Runs the start-up steps; safe to call on every start.</summary>
    /// <exception cref="CatalogException">A schema file is broken.</exception>
    public async Task<RegistryStartup> InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(issuance.FontPath))
        {
            throw new InvalidOperationException(
                $"The font licenses are rendered with is missing: {issuance.FontPath}. Install it (Debian: apt-get install fonts-lxgw-wenkai; scripts/run.sh does this) or set Issuance:FontPath to a TrueType (.ttf) CJK font.");
        }

        Directory.CreateDirectory(storage.DataDirectory);
        await schema.EnsureCurrentAsync(cancellationToken);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (db.Database.IsSqlite())
            {
                // WAL: readers never block the writer, and a crash mid-transaction rolls back cleanly.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
        }

        string? credentialsFile = null;
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? tokens = null;
        if (!string.IsNullOrEmpty(departmentOptions.SeedFile) && File.Exists(departmentOptions.SeedFile))
        {
            tokens = await departments.SeedAsync(departmentOptions.SeedFile, cancellationToken);
            if (tokens is not null)
            {
                credentialsFile = Path.GetFullPath(Path.Combine(storage.DataDirectory, "demo-credentials.json"));
                await File.WriteAllTextAsync(credentialsFile,
                    System.Text.Json.JsonSerializer.Serialize(tokens, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), cancellationToken);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(credentialsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }
        }

        var known = (await departments.ListAsync(cancellationToken)).Select(d => d.Code).ToHashSet();
        var warnings = catalog.Types
            .SelectMany(t => t.Issuers.Where(i => !known.Contains(i)).Select(i => $"{t.SourceFile}: issuer {i} is not a known department"))
            .ToArray();
        // The embedded default seals licenses from the first push: the registry's keys and a seal per department and kind the
        // catalog's signature policies need. Production turns this off and has administrators make seals (POST /api/v1/seals).
        var sealsMade = sealing.CreateDemoSeals ? await seals.EnsureSealsForCatalogAsync(catalog, cancellationToken) : 0;
        return new RegistryStartup(catalog.Types.Count, credentialsFile, tokens, warnings) { SealsMade = sealsMade };
    }
}
