using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Registry;
using ElectronicLicense.Licenses.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Sharing;

/// <summary>Registers grants, shared reads and 亮证 codes.</summary>
public static class SharingServiceCollectionExtensions
{
    /// <summary>Adds <see cref="GrantService"/>, <see cref="SharingService"/> and <see cref="PresentationService"/>, configured from the <c>Sharing</c> section.</summary>
    public static IServiceCollection AddSharing(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SharingOptions>(configuration.GetSection(SharingOptions.Section));
        services.AddSingleton(sp => new GrantService(
            Contexts(sp), sp.GetRequiredService<LicenseCatalog>(), sp.GetRequiredService<DepartmentDirectory>(),
            sp.GetRequiredService<IAuditTrail>(), sp.GetRequiredService<TimeProvider>(), Options(sp)));
        services.AddSingleton(sp => new SharingService(
            Contexts(sp), sp.GetRequiredService<LicenseCatalog>(), sp.GetRequiredService<LicenseQueryService>(),
            sp.GetRequiredService<IObjectStore>(), sp.GetRequiredService<IAuditTrail>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new PresentationService(
            Contexts(sp), sp.GetRequiredService<SharingService>(), sp.GetRequiredService<IAuditTrail>(), sp.GetRequiredService<TimeProvider>(), Options(sp)));
        return services;
    }

    private static IDbContextFactory<RegistryDbContext> Contexts(IServiceProvider sp) => sp.GetRequiredService<IDbContextFactory<RegistryDbContext>>();

    private static SharingOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<SharingOptions>>().Value;
}
