using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Tests.Ingest;
using ElectronicLicense.Licenses.Tests.Issuance;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Licenses.Tests.Storage;

/// <summary>With <c>Storage:Objects:Kind = s3</c> the registry keeps issued documents in the bucket, and they come back verifiable.</summary>
public sealed class DocumentsOnS3Tests : IAsyncLifetime
{
    private const string Health = "11500000MB1507014M";

    private string bucket = string.Empty;
    private IssuanceRegistry? registry;

    private IssuanceRegistry Registry => registry ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        bucket = await S3TestServer.CreateBucketAsync();
        registry = new IssuanceRegistry(new Dictionary<string, string?>
        {
            ["Storage:Objects:Kind"] = "s3",
            ["Storage:Objects:S3:ServiceUrl"] = S3TestServer.ServiceUrl,
            ["Storage:Objects:S3:Bucket"] = bucket,
            ["Storage:Objects:S3:Prefix"] = "documents",
            ["Storage:Objects:S3:AccessKey"] = "S3RVER",
            ["Storage:Objects:S3:SecretKey"] = "S3RVER",
        });
        await registry.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (registry is not null)
        {
            await registry.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_issued_license_is_stored_in_the_bucket_and_its_OFD_read_back_verifies()
    {
        var caller = await Registry.ActAsAsync(Health, DepartmentRole.Issuer);
        var body = Submissions.Sample("medical-death-certificate-1.json");
        body[MetadataNames.Number] = "S3DOC-" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();

        var pushed = await Registry.Ingest.IngestAsync(caller, body.ToString());

        var version = (await Registry.Queries.GetAsync(caller, pushed.LicenseId!)).Versions.Single();
        Assert.NotEmpty(version.Documents);
        using var client = S3TestServer.Client(bucket);
        foreach (var document in version.Documents)
        {
            var head = await client.GetObjectMetadataAsync(bucket, $"documents/sha256/{document.Sha256[..2]}/{document.Sha256}");
            Assert.Equal(document.Length, head.ContentLength);
            Assert.Equal(document.Sha256, head.Metadata["x-amz-meta-sha256"]);
        }

        var ofd = await Registry.ReadObjectAsync(Assert.Single(version.Documents, d => d.Format == "ofd").Sha256);
        var report = OfdVerifier.Verify(ofd, Registry.Trust);
        Assert.True(report.Indication == Indication.TotalPassed, $"{report.Indication} {report.SubIndication}");

        // Nothing went to the local folder store.
        Assert.False(Directory.Exists(Path.Combine(Registry.DataDirectory, "objects", "sha256")));
    }
}
