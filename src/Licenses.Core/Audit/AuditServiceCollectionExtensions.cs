using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Audit;

/// <summary>Registers the Merkle audit log.</summary>
internal static class AuditServiceCollectionExtensions
{
    /// <summary>Adds <see cref="AuditLog"/> as the <see cref="IAuditTrail"/>, configured from the <c>Audit</c> section.</summary>
    public static IServiceCollection AddAuditLog(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuditOptions>(configuration.GetSection(AuditOptions.Section));
        services.AddSingleton(sp => new AuditLog(
            sp.GetRequiredService<IDbContextFactory<RegistryDbContext>>(),
            new AuditKeys(sp.GetRequiredService<IOptions<SealingOptions>>(), sp.GetRequiredService<IOptions<StorageOptions>>()),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<AuditOptions>>()));
        services.AddSingleton<IAuditTrail>(sp => sp.GetRequiredService<AuditLog>());
        services.AddSingleton<IHostedService>(sp => new AuditOutboxWorker(
            sp.GetRequiredService<AuditLog>(),
            sp.GetRequiredService<IOptions<AuditOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AuditOutboxWorker>>()));
        return services;
    }
}
