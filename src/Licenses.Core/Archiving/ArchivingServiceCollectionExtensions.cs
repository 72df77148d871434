using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>Registers electronic archives: the outbox queue, export jobs, <see cref="ArchiveService"/> and its background worker.</summary>
internal static class ArchivingServiceCollectionExtensions
{
    public static IServiceCollection AddArchiving(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ArchiveQueue(Contexts(sp), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<ArchiveOptions>>().Value));
        services.AddSingleton(sp => new ArchiveExportJobs(Contexts(sp), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<ArchiveOptions>>().Value));
        services.AddSingleton(sp => new ArchiveService(
            Contexts(sp),
            sp.GetRequiredService<LicenseCatalog>(),
            sp.GetRequiredService<ArchivePackageBuilder>(),
            sp.GetRequiredService<ArchiveContentInspector>(),
            sp.GetRequiredService<ArchiveBlobStore>(),
            sp.GetRequiredService<ArchiveQueue>(),
            sp.GetRequiredService<ArchiveExportJobs>(),
            sp.GetRequiredService<IAuditTrail>(),
            sp.GetRequiredService<DepartmentDirectory>(),
            sp.GetRequiredService<TimeProvider>()));

        // Hosts (the API) run it; the command line builds the same services without a host and never starts it.
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IOptions<ArchiveOptions>>().Value.RunWorker
            ? new ArchiveWorker(
                sp.GetRequiredService<ArchiveService>(),
                sp.GetRequiredService<IOptions<ArchiveOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<ArchiveWorker>>() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<ArchiveWorker>.Instance)
            : new IdleService());
        return services;
    }

    private static IDbContextFactory<RegistryDbContext> Contexts(IServiceProvider sp) => sp.GetRequiredService<IDbContextFactory<RegistryDbContext>>();

    private sealed class IdleService : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
