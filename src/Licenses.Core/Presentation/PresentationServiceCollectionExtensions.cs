using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Licenses.StatusLists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Presentation;

/// <summary>Registers offline payloads, the trust list and status lists.</summary>
internal static class PresentationServiceCollectionExtensions
{
    public static IServiceCollection AddPresentation(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PresentationOptions>(configuration.GetSection(PresentationOptions.Section));
        services.AddSingleton(sp => new PresentationKeys(
            sp.GetRequiredService<RegistryKeys>(), sp.GetRequiredService<IOptions<PresentationOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new StatusListStore(sp.GetRequiredService<IOptions<PresentationOptions>>().Value.StatusListSize));
        services.AddSingleton(sp => new OfflinePayloadIssuer(
            sp.GetRequiredService<PresentationKeys>(), sp.GetRequiredService<StatusListStore>(), sp.GetRequiredService<IOptions<PresentationOptions>>()));
        services.AddSingleton<Verification.IQrPayloadResolver>(sp => new OfflineQrPayloadResolver(
            sp.GetRequiredService<PresentationKeys>(), sp.GetRequiredService<IDbContextFactory<RegistryDbContext>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new RegistryPresentation(
            sp.GetRequiredService<PresentationKeys>(),
            sp.GetRequiredService<IDbContextFactory<RegistryDbContext>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<PresentationOptions>>()));
        return services;
    }
}
