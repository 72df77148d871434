using Amazon.S3;
using Amazon.S3.Model;
using ElectronicLicense.Licenses.Storage;

namespace ElectronicLicense.Licenses.Tests.Storage;

/// <summary>The S3-protocol server of <c>ELIC_TEST_S3</c> (s3rver, started by scripts/test.sh; credentials S3RVER/S3RVER).</summary>
/// <remarks>Without the variable the S3 tests fail rather than skip: S3 support must never silently go untested.</remarks>
internal static class S3TestServer
{
    public const string Variable = "ELIC_TEST_S3";

    public static string ServiceUrl =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{Variable} is not set; scripts/test.sh installs and starts a throwaway s3rver and sets it.");

    /// <summary>Options for a bucket on the test server, as configuration would give them.</summary>
    public static S3BucketOptions Options(string bucket, string? prefix = null) => new()
    {
        ServiceUrl = ServiceUrl,
        Bucket = bucket,
        Prefix = prefix,
        AccessKey = "S3RVER",
        SecretKey = "S3RVER",
    };

    /// <summary>Creates a fresh, empty bucket and returns its name.</summary>
    public static async Task<string> CreateBucketAsync()
    {
        var bucket = "elic-test-" + Guid.NewGuid().ToString("N")[..16];
        using var client = BlobStores.CreateClient(Options(bucket));
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        return bucket;
    }

    /// <summary>A client for the test server, bypassing the store (to look at what the server really holds).</summary>
    public static AmazonS3Client Client(string bucket) => BlobStores.CreateClient(Options(bucket));
}
