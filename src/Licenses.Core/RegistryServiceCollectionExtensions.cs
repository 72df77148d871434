using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Issuance;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Presentation;
using ElectronicLicense.Licenses.Registry;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Licenses.Sharing;
using ElectronicLicense.Licenses.Storage;
using ElectronicLicense.Licenses.Verification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses;

/// <summary>Registers the license registry's services.</summary>
public static class RegistryServiceCollectionExtensions
{
    /// <summary>Adds the catalog, storage, 归集, queries, lifecycle and departments, configured from <paramref name="configuration"/>.</summary>
    /// <remarks>Sections: <c>Storage</c> (with <c>Storage:Objects</c>), <c>Archives:Store</c>, <c>Catalog</c>, <c>Ingest</c>, <c>Departments</c>, <c>Sealing</c>, <c>Issuance</c>. Call <see cref="RegistryInitializer.InitializeAsync"/> before serving.</remarks>
    public static IServiceCollection AddLicenseRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<StorageOptions>(configuration.GetSection(StorageOptions.Section));
        services.Configure<CatalogOptions>(configuration.GetSection(CatalogOptions.Section));
        services.Configure<IngestOptions>(configuration.GetSection(IngestOptions.Section));
        services.Configure<DepartmentOptions>(configuration.GetSection(DepartmentOptions.Section));
        services.Configure<Archiving.ArchiveOptions>(configuration.GetSection(Archiving.ArchiveOptions.Section));
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(sp => LicenseCatalog.Load(sp.GetRequiredService<IOptions<CatalogOptions>>().Value.SchemaDirectory));
        services.AddDbContextFactory<RegistryDbContext>((sp, options) => RegistryDatabase.Configure(options, sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddObjectStorage(configuration);
        services.AddSingleton(sp => new RegistrySchema(Contexts(sp), sp.GetRequiredService<IOptions<StorageOptions>>()));

        services.AddSingleton(sp => new DepartmentDirectory(Contexts(sp), Clock(sp), sp.GetRequiredService<IOptions<DepartmentOptions>>().Value.CredentialCacheDuration));
        services.AddAuditLog(configuration);
        services.Configure<SealingOptions>(configuration.GetSection(SealingOptions.Section));
        services.AddLicenseIssuance(configuration);
        services.AddSingleton(sp => new RegistryKeys(
            sp.GetRequiredService<IOptions<SealingOptions>>(), sp.GetRequiredService<IOptions<StorageOptions>>(), Clock(sp)));
        services.AddSingleton(sp => new SealRegistry(
            Contexts(sp),
            sp.GetRequiredService<RegistryKeys>(),
            sp.GetRequiredService<DepartmentDirectory>(),
            Clock(sp),
            sp.GetRequiredService<IOptions<SealingOptions>>(),
            sp.GetRequiredService<IOptions<IssuanceOptions>>().Value.FontPath));
        services.AddSingleton(sp => new DocumentVerifier(
            sp.GetRequiredService<RegistryKeys>(),
            sp.GetRequiredService<SealRegistry>(),
            sp.GetRequiredService<LicenseCatalog>(),
            sp.GetRequiredService<DepartmentDirectory>(),
            Clock(sp)));
        services.AddPresentation(configuration);
        services.AddSingleton(sp => new LicenseDocumentIssuer(
            sp.GetRequiredService<LicenseOfdRenderer>(),
            sp.GetRequiredService<LicensePdfRenderer>(),
            sp.GetRequiredService<SealRegistry>(),
            sp.GetRequiredService<RegistryKeys>(),
            sp.GetRequiredService<IObjectStore>()));
        services.AddSingleton(sp => new DocumentIssuance(
            Contexts(sp),
            sp.GetRequiredService<LicenseDocumentIssuer>(),
            sp.GetRequiredService<LicenseCatalog>(),
            sp.GetRequiredService<DepartmentDirectory>(),
            new DocumentJobs(Contexts(sp), Clock(sp), sp.GetRequiredService<IOptions<IssuanceOptions>>().Value.JobLease),
            Clock(sp),
            sp.GetRequiredService<IAuditTrail>(),
            sp.GetRequiredService<IOptions<Archiving.ArchiveOptions>>().Value.ArchiveOnIssue));
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp => new DocumentIssuanceWorker(
            sp.GetRequiredService<DocumentIssuance>(),
            sp.GetRequiredService<IOptions<IssuanceOptions>>().Value,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<DocumentIssuanceWorker>>()));
        services.AddSingleton(sp => new IngestService(
            Contexts(sp),
            sp.GetRequiredService<LicenseCatalog>(),
            sp.GetRequiredService<IObjectStore>(),
            Clock(sp),
            sp.GetRequiredService<IOptions<IngestOptions>>(),
            sp.GetRequiredService<LicenseDocumentIssuer>(),
            sp.GetRequiredService<DepartmentDirectory>(),
            sp.GetRequiredService<OfflinePayloadIssuer>(),
            sp.GetRequiredService<DocumentIssuance>(),
            sp.GetRequiredService<IAuditTrail>(),
            sp.GetRequiredService<IOptions<Archiving.ArchiveOptions>>().Value.ArchiveOnIssue));
        services.AddLicenseVerification(configuration);
        services.AddSingleton(sp => new LicenseQueryService(
            Contexts(sp), sp.GetRequiredService<LicenseCatalog>(), Clock(sp), sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<IAuditTrail>()));
        services.AddSharing(configuration);
        services.AddSingleton(sp => new LifecycleService(Contexts(sp), sp.GetRequiredService<LicenseQueryService>(), Clock(sp), sp.GetRequiredService<StatusLists.StatusListStore>(), sp.GetRequiredService<IAuditTrail>()));
        services.AddArchivePackages(configuration);
        services.AddArchiving();
        services.AddSingleton(sp => new RegistryInitializer(
            sp.GetRequiredService<LicenseCatalog>(),
            Contexts(sp),
            sp.GetRequiredService<DepartmentDirectory>(),
            sp.GetRequiredService<IOptions<StorageOptions>>(),
            sp.GetRequiredService<IOptions<DepartmentOptions>>(),
            sp.GetRequiredService<SealRegistry>(),
            sp.GetRequiredService<IOptions<SealingOptions>>(),
            sp.GetRequiredService<IOptions<IssuanceOptions>>(),
            sp.GetRequiredService<RegistrySchema>()));
        return services;
    }

    private static IDbContextFactory<RegistryDbContext> Contexts(IServiceProvider sp) => sp.GetRequiredService<IDbContextFactory<RegistryDbContext>>();

    private static TimeProvider Clock(IServiceProvider sp) => sp.GetRequiredService<TimeProvider>();
}
