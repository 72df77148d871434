using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Issuance;
using ElectronicLicense.Licenses.Registry;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Licenses.Storage;
using ElectronicLicense.Licenses.Tests.Samples;
using ElectronicLicense.Seals.Ofd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Licenses.Tests.Issuance;

/// <summary>
/// A whole embedded registry in a temporary folder, started as the API starts it: SQLite, the shipped catalog, the demo
/// departments, and on first start the registry CA, the seal maker and a demo seal per department and kind the policies need.
/// </summary>
/// <remarks>Made once per test class (key and seal creation takes seconds); tests use distinct 证照编号, so they do not interfere.</remarks>
public sealed class IssuanceRegistry : IAsyncLifetime, IAsyncDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("elic-core-issuance-");
    private readonly IReadOnlyDictionary<string, string?> settings;
    private readonly Action<IServiceCollection>? configure;
    private ServiceProvider? services;

    public IssuanceRegistry()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>A registry with extra configuration, e.g. another document store, and services replaced after the registry's own.</summary>
    internal IssuanceRegistry(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        this.settings = settings;
        this.configure = configure;
    }

    /// <summary>The registry's data directory.</summary>
    internal string DataDirectory => directory.FullName;

    internal IServiceProvider Services => services ?? throw new InvalidOperationException("The registry has not started.");

    internal LicenseCatalog Catalog => Services.GetRequiredService<LicenseCatalog>();

    internal IngestService Ingest => Services.GetRequiredService<IngestService>();

    internal LicenseQueryService Queries => Services.GetRequiredService<LicenseQueryService>();

    internal LicenseDocumentIssuer Issuer => Services.GetRequiredService<LicenseDocumentIssuer>();

    internal IObjectStore Objects => Services.GetRequiredService<IObjectStore>();

    internal TimeProvider Clock => Services.GetRequiredService<TimeProvider>();

    /// <summary>Every department by code.</summary>
    internal IReadOnlyDictionary<UnifiedSocialCreditCode, Department> Departments { get; private set; } = new Dictionary<UnifiedSocialCreditCode, Department>();

    /// <summary>What a verifier of this registry trusts: its CA for signers and seal makers (with its CRL), and its seal revocations.</summary>
    internal OfdVerificationOptions Trust { get; private set; } = new();

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = directory.FullName,
            ["Catalog:SchemaDirectory"] = RepositoryFiles.Schemas,
            ["Departments:SeedFile"] = RepositoryFiles.Sample("departments.json"),
        }).AddInMemoryCollection(settings).Build();
        var collection = new ServiceCollection().AddLicenseRegistry(configuration);
        configure?.Invoke(collection);
        services = collection.BuildServiceProvider();
        await services.GetRequiredService<RegistryInitializer>().InitializeAsync();
        Departments = (await services.GetRequiredService<DepartmentDirectory>().ListAsync()).ToDictionary(d => d.Code);
        var keys = services.GetRequiredService<RegistryKeys>();
        Trust = new OfdVerificationOptions
        {
            Signers = keys.SignerValidator(),
            SealMakers = keys.SealMakerValidator(),
            SealRevocations = await services.GetRequiredService<SealRegistry>().RevocationsAsync(CancellationToken.None),
            Clock = Clock,
        };
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

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    /// <summary>Acts as a department in a role, as an authenticated caller would.</summary>
    internal async Task<DepartmentIdentity> ActAsAsync(string code, DepartmentRole role) =>
        await Services.GetRequiredService<DepartmentDirectory>().ActAsAsync(UnifiedSocialCreditCode.Parse(code), role)
        ?? throw new InvalidOperationException($"{code} has no {role} role in samples/departments.json.");

    /// <summary>The bytes of a stored object.</summary>
    internal async Task<byte[]> ReadObjectAsync(string sha256)
    {
        await using var stream = await Objects.OpenReadAsync(sha256) ?? throw new InvalidOperationException($"Object {sha256} is not in the store.");
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }
}
