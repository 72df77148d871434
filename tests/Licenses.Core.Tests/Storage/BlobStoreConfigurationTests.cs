using ElectronicLicense.Licenses.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Licenses.Tests.Storage;

/// <summary>Storage:Objects and Archives:Store select the stores, with folder defaults under the data directory.</summary>
public sealed class BlobStoreConfigurationTests : IDisposable
{
    private readonly DirectoryInfo data = Directory.CreateTempSubdirectory("elic-storage-config-");

    public void Dispose() => data.Delete(recursive: true);

    [Fact]
    public void Without_configuration_documents_and_archives_are_folders_under_the_data_directory()
    {
        using var services = Registry(new() { ["Storage:DataDirectory"] = data.FullName });

        var archives = services.GetRequiredService<ArchiveBlobStore>();
        var documents = Assert.IsType<BlobObjectStore>(services.GetRequiredService<IObjectStore>());

        Assert.Equal(Path.Combine(data.FullName, "archives"), archives.Location);
        Assert.Equal(Path.Combine(data.FullName, "objects"), documents.Blobs.Location);
    }

    [Fact]
    public void S3_is_selected_by_Kind_and_the_location_names_bucket_and_prefix_but_no_credentials()
    {
        using var services = Registry(new()
        {
            ["Storage:DataDirectory"] = data.FullName,
            ["Archives:Store:Kind"] = "s3",
            ["Archives:Store:S3:ServiceUrl"] = "http://127.0.0.1:9",
            ["Archives:Store:S3:Bucket"] = "archives",
            ["Archives:Store:S3:Prefix"] = "/elic/2026/",
            ["Archives:Store:S3:AccessKey"] = "AKIA-TEST-ACCESS",
            ["Archives:Store:S3:SecretKey"] = "test-secret-never-shown",
            ["Storage:Objects:Path"] = Path.Combine(data.FullName, "documents"),
        });

        var archives = services.GetRequiredService<ArchiveBlobStore>();

        Assert.Equal("s3://archives/elic/2026", archives.Location);
        Assert.DoesNotContain("AKIA", archives.Location, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(data.FullName, "documents"), Assert.IsType<BlobObjectStore>(services.GetRequiredService<IObjectStore>()).Blobs.Location);
    }

    [Fact]
    public void Incomplete_or_unknown_settings_fail_with_a_message_naming_the_setting()
    {
        var noBucket = Assert.Throws<InvalidOperationException>(() => BlobStores.Create(new BlobStoreOptions { Kind = "s3" }, data.FullName));
        Assert.Contains("S3:Bucket", noBucket.Message, StringComparison.Ordinal);

        var unknown = Assert.Throws<InvalidOperationException>(() => BlobStores.Create(new BlobStoreOptions { Kind = "tape" }, data.FullName));
        Assert.Contains("'tape'", unknown.Message, StringComparison.Ordinal);

        var halfCredentials = Assert.Throws<InvalidOperationException>(() => BlobStores.Create(
            new BlobStoreOptions { Kind = "s3", S3 = new S3BucketOptions { Bucket = "b", ServiceUrl = "http://127.0.0.1:9", AccessKey = "only-access" } }, data.FullName));
        Assert.DoesNotContain("only-access", halfCredentials.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_s3_address_selects_bucket_and_prefix_and_keeps_endpoint_and_credentials()
    {
        var configured = new S3BucketOptions { ServiceUrl = "http://minio:9000", Bucket = "default", AccessKey = "a", SecretKey = "s" };

        var target = configured.ForLocation("s3://export-2026/month/11/");

        Assert.Equal(("export-2026", "month/11", "http://minio:9000", "a", "s"), (target.Bucket, target.Prefix, target.ServiceUrl, target.AccessKey, target.SecretKey));
        Assert.Equal(("b", (string?)null), (configured.ForLocation("s3://b").Bucket, configured.ForLocation("s3://b/").Prefix));
        Assert.Equal("default", configured.Bucket);
        Assert.Throws<ArgumentException>(() => configured.ForLocation("/tmp/out"));
        Assert.Throws<ArgumentException>(() => configured.ForLocation("s3://"));
    }

    private static ServiceProvider Registry(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddLicenseRegistry(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
}
