using ElectronicLicense.Licenses.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Storage;

/// <summary>Registers the document store (<see cref="IObjectStore"/>) and the archive store (<see cref="ArchiveBlobStore"/>).</summary>
internal static class StorageServiceCollectionExtensions
{
    /// <summary>The document store's configuration section.</summary>
    internal const string ObjectsSection = "Storage:Objects";

    internal static IServiceCollection AddObjectStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<BlobStoreOptions>(ObjectsSection, configuration.GetSection(ObjectsSection));
        services.Configure<BlobStoreOptions>(ArchiveBlobStore.Section, configuration.GetSection(ArchiveBlobStore.Section));
        services.AddSingleton<IObjectStore>(sp => new BlobObjectStore(
            BlobStores.Create(Named(sp, ObjectsSection), Path.Combine(DataDirectory(sp), "objects"))));
        services.AddSingleton(sp => new ArchiveBlobStore(
            BlobStores.Create(Named(sp, ArchiveBlobStore.Section), Path.Combine(DataDirectory(sp), "archives"))));
        return services;
    }

    private static BlobStoreOptions Named(IServiceProvider sp, string name) => sp.GetRequiredService<IOptionsMonitor<BlobStoreOptions>>().Get(name);

    private static string DataDirectory(IServiceProvider sp) => sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory;
}
