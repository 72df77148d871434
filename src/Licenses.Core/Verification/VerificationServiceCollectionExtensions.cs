using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Licenses.Verification;

/// <summary>Registers 核验.</summary>
public static class VerificationServiceCollectionExtensions
{
    /// <summary>Adds the verification service, its receipt key and store, and the <c>urn:elic:license:</c> QR payload reader, configured from the <c>Verification</c> section.</summary>
    public static IServiceCollection AddLicenseVerification(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<VerificationOptions>(configuration.GetSection(VerificationOptions.Section));
        services.AddSingleton<IQrPayloadResolver, UrnQrPayloadResolver>();
        services.AddSingleton<IQrPayloadResolver, PresentationCodeQrPayloadResolver>();
        services.AddSingleton(sp => new ReceiptSigner(sp.GetRequiredService<RegistryKeys>()));
        services.AddSingleton(sp => new ReceiptStore(sp.GetRequiredService<IDbContextFactory<RegistryDbContext>>(), sp.GetRequiredService<IAuditTrail>()));
        services.AddSingleton(sp => new VerificationService(
            sp.GetRequiredService<IDbContextFactory<RegistryDbContext>>(),
            sp.GetRequiredService<LicenseCatalog>(),
            sp.GetRequiredService<DocumentVerifier>(),
            sp.GetServices<IQrPayloadResolver>(),
            sp.GetRequiredService<ReceiptSigner>(),
            sp.GetRequiredService<ReceiptStore>(),
            sp.GetRequiredService<IAuditTrail>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
