using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using ElectronicLicense.Licenses.Storage;
using FsCheck;
using FsCheck.Fluent;

namespace ElectronicLicense.Licenses.Tests.Storage;

/// <summary>S3 behaviour beyond the shared contract: retries, clean-up after failure, object lock, against s3rver with faults injected in-process.</summary>
public sealed class S3BlobStoreTests : IAsyncLifetime
{
    private const int Attempts = 4;
    private static readonly S3RetryPolicy NoWait = new(Attempts, TimeSpan.Zero);

    private string bucket = string.Empty;
    private AmazonS3Client? real;

    private AmazonS3Client Real => real ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        bucket = await S3TestServer.CreateBucketAsync();
        real = S3TestServer.Client(bucket);
    }

    public Task DisposeAsync()
    {
        real?.Dispose();
        return Task.CompletedTask;
    }

    public enum Fault
    {
        ServiceUnavailable,
        SlowDown,
        ConnectionReset,
        TimedOut,
        CorruptReadBack,
    }

    [Fact]
    public void Transient_failures_are_retried_and_the_object_is_complete_or_absent()
    {
        // Failures: 0..Attempts-1 pass after retries; null fails on every call (permanent).
        var cases = (from method in Gen.Elements("PutObjectAsync", "GetObjectAsync")
                     from fault in Gen.Elements(Enum.GetValues<Fault>())
                     from failures in Gen.Elements<int?>(0, 1, 2, 3, null)
                     from size in Gen.Choose(0, 300_000)
                     select (method, fault, failures, size)).ToArbitrary();

        Prop.ForAll(cases, c =>
        {
            var (method, fault, failures, size) = c;
            if (fault == Fault.CorruptReadBack && method != "GetObjectAsync")
            {
                return; // only a read can come back corrupted
            }

            var (client, interceptor) = S3Interceptor.Wrap(Real);
            var left = failures ?? int.MaxValue;
            interceptor.Replace = (name, request) =>
                name == method && Interlocked.Decrement(ref left) >= 0 ? Failing(name, (AmazonWebServiceRequest)request!, fault) : null;
            using var store = new S3BlobStore(client, bucket, retry: NoWait, ownsClient: false);
            var key = $"retry/{Guid.NewGuid():N}.bin";
            var bytes = RandomNumberGenerator.GetBytes(size);

            if (failures is null)
            {
                Assert.ThrowsAny<Exception>(() => store.PutAsync(key, new MemoryStream(bytes)).GetAwaiter().GetResult());
                Assert.Null(Head(key)); // no object visible
                Assert.Equal(Attempts, interceptor.RequestsOf<PutObjectRequest>().Count);
            }
            else
            {
                var stored = store.PutAsync(key, new MemoryStream(bytes)).GetAwaiter().GetResult();
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), stored.Sha256);
                Assert.Equal(bytes, Download(key));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    [Fact]
    public async Task A_permanent_error_is_not_retried()
    {
        var (client, interceptor) = S3Interceptor.Wrap(Real);
        interceptor.Replace = (name, _) => name == "PutObjectAsync"
            ? Task.FromException<PutObjectResponse>(new AmazonS3Exception("Access Denied", ErrorType.Sender, "AccessDenied", "test", HttpStatusCode.Forbidden))
            : null;
        using var store = new S3BlobStore(client, bucket, retry: NoWait, ownsClient: false);

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => store.PutAsync("denied/x.bin", new MemoryStream([1, 2, 3])));

        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.Single(interceptor.RequestsOf<PutObjectRequest>());
        Assert.Null(Head("denied/x.bin"));
    }

    [Fact]
    public async Task Every_put_is_sent_without_chunk_encoding_and_with_its_sha256_as_metadata()
    {
        var (client, interceptor) = S3Interceptor.Wrap(Real);
        using var store = new S3BlobStore(client, bucket, "p", ownsClient: false);
        var bytes = RandomNumberGenerator.GetBytes(70_000);

        await store.PutAsync("a.bin", new NonSeekableStream(new MemoryStream(bytes)));

        var put = Assert.Single(interceptor.RequestsOf<PutObjectRequest>());
        Assert.False(put.UseChunkEncoding);
        Assert.Equal("p/a.bin", put.Key);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), put.Metadata["x-amz-meta-sha256"]);
        Assert.Equal(bytes, Download("p/a.bin"));
    }

    [Fact]
    public async Task On_a_bucket_with_object_lock_puts_carry_compliance_retention_or_legal_hold()
    {
        // s3rver has no object lock: the bucket's answer is faked, the puts still go to the real server (which ignores the headers).
        var (client, interceptor) = S3Interceptor.Wrap(Real);
        var asked = 0;
        interceptor.Replace = (name, _) =>
        {
            if (name != "GetObjectLockConfigurationAsync")
            {
                return null;
            }

            Interlocked.Increment(ref asked);
            return Task.FromResult(new GetObjectLockConfigurationResponse
            {
                ObjectLockConfiguration = new ObjectLockConfiguration { ObjectLockEnabled = ObjectLockEnabled.Enabled },
            });
        };
        using var store = new S3BlobStore(client, bucket, ownsClient: false);
        var until = new DateTimeOffset(2056, 11, 23, 0, 0, 0, TimeSpan.FromHours(8));

        Assert.True(await store.EnforcesRetentionAsync());
        await store.PutAsync("lock/30y.zip", new MemoryStream([1]), new BlobRetention(until, LegalHold: false));
        await store.PutAsync("lock/permanent.zip", new MemoryStream([2]), new BlobRetention(null, LegalHold: true));
        await store.PutAsync("lock/none.zip", new MemoryStream([3]));

        var puts = interceptor.RequestsOf<PutObjectRequest>().ToDictionary(p => p.Key);
        Assert.Equal(ObjectLockMode.Compliance, puts["lock/30y.zip"].ObjectLockMode);
        Assert.Equal(until.UtcDateTime, puts["lock/30y.zip"].ObjectLockRetainUntilDate);
        Assert.Null(puts["lock/30y.zip"].ObjectLockLegalHoldStatus);
        Assert.Equal(ObjectLockLegalHoldStatus.On, puts["lock/permanent.zip"].ObjectLockLegalHoldStatus);
        Assert.Null(puts["lock/permanent.zip"].ObjectLockMode);
        Assert.Null(puts["lock/none.zip"].ObjectLockMode);
        Assert.Null(puts["lock/none.zip"].ObjectLockLegalHoldStatus);
        Assert.Equal(1, asked); // asked once, then cached
    }

    [Fact]
    public async Task On_a_bucket_without_object_lock_retention_is_not_sent()
    {
        var (client, interceptor) = S3Interceptor.Wrap(Real);
        using var store = new S3BlobStore(client, bucket, ownsClient: false);

        Assert.False(await store.EnforcesRetentionAsync());
        await store.PutAsync("nolock/a.zip", new MemoryStream([1]), new BlobRetention(null, LegalHold: true));

        var put = Assert.Single(interceptor.RequestsOf<PutObjectRequest>());
        Assert.Null(put.ObjectLockMode);
        Assert.Null(put.ObjectLockLegalHoldStatus);
    }

    [Fact]
    public async Task Wrong_credentials_fail_without_the_secret_in_the_error_or_the_location()
    {
        const string secret = "wrong-secret-key-7f3a9c";
        var options = S3TestServer.Options(bucket, "p");
        options.AccessKey = "UNKNOWN-ACCESS-KEY";
        options.SecretKey = secret;
        using var store = (S3BlobStore)BlobStores.CreateS3(options);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => store.PutAsync("x.bin", new MemoryStream([1])));

        Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, store.Location, StringComparison.Ordinal);
        Assert.Null(Head("p/x.bin"));
    }

    private static object Failing(string method, AmazonWebServiceRequest request, Fault fault)
    {
        Exception error = fault switch
        {
            Fault.ServiceUnavailable => new AmazonS3Exception("Service Unavailable", ErrorType.Receiver, "ServiceUnavailable", "test", HttpStatusCode.ServiceUnavailable),
            Fault.SlowDown => new AmazonS3Exception("Slow Down", ErrorType.Receiver, "SlowDown", "test", HttpStatusCode.ServiceUnavailable),
            Fault.ConnectionReset => new IOException("Connection reset by peer"),
            Fault.TimedOut => new TaskCanceledException("The request timed out"),
            _ => null!,
        };
        if (fault == Fault.CorruptReadBack)
        {
            // The object comes back with its first byte changed (or one byte too many when empty), as a server storing framing would.
            return CorruptedAsync((GetObjectRequest)request);
        }

        return method switch
        {
            "PutObjectAsync" => Task.FromException<PutObjectResponse>(error),
            _ => Task.FromException<GetObjectResponse>(error),
        };
    }

    private static async Task<GetObjectResponse> CorruptedAsync(GetObjectRequest request)
    {
        using var client = S3TestServer.Client(request.BucketName);
        var response = await client.GetObjectAsync(request);
        using var memory = new MemoryStream();
        await response.ResponseStream.CopyToAsync(memory);
        var bytes = memory.ToArray();
        bytes = bytes.Length == 0 ? [0] : bytes;
        bytes[0] ^= 0x5A;
        response.ResponseStream = new MemoryStream(bytes);
        return response;
    }

    private GetObjectMetadataResponse? Head(string key)
    {
        try
        {
            return Real.GetObjectMetadataAsync(bucket, key).GetAwaiter().GetResult();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private byte[] Download(string key)
    {
        using var response = Real.GetObjectAsync(bucket, key).GetAwaiter().GetResult();
        using var memory = new MemoryStream();
        response.ResponseStream.CopyTo(memory);
        return memory.ToArray();
    }
}
