using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Licenses.Storage;
using ElectronicLicense.Licenses.Verification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>Registers the archive package's contents: the builder and the content checks of 四性检测.</summary>
internal static class ArchivePackageServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ArchivePackageBuilder"/> and <see cref="ArchiveContentInspector"/>, configured from the <c>Archiving</c> section.</summary>
    public static IServiceCollection AddArchivePackages(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ArchivePackageOptions>(configuration.GetSection(ArchivePackageOptions.Section));
        services.AddSingleton(sp => new ArchivePackageBuilder(
            sp.GetRequiredService<IDbContextFactory<RegistryDbContext>>(),
            sp.GetRequiredService<LicenseCatalog>(),
            sp.GetRequiredService<IObjectStore>(),
            sp.GetRequiredService<DocumentVerifier>(),
            sp.GetRequiredService<RegistryKeys>(),
            sp.GetRequiredService<AuditLog>(),
            sp.GetRequiredService<IOptions<ArchivePackageOptions>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ArchiveContentInspector(sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
