using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Minio;
using Minio.DataModel.Args;
using Minio.DataModel.ObjectLock;
using Minio.Exceptions;

namespace ElectronicLicense.Licenses.Storage;

/// <summary>Blob store in a MinIO bucket (or any S3-compatible one) through the official MinIO client, optionally under a key prefix.</summary>
/// <remarks>
/// <para>
/// The same contract as <see cref="S3BlobStore"/>: the store computes each object's SHA-256, sends it as user metadata
/// <c>sha256</c>, reads the object back after the put and compares; a put of bytes already stored under the key is a no-op;
/// a put sent but never verified is deleted before the failure surfaces. Objects of 5 MiB and more go up as multipart uploads
/// in parts of 16 MiB the client reads one at a time, so memory stays flat whatever the package's size; input that cannot
/// seek is spooled to a temporary file first.
/// </para>
/// <para>
/// Retention is enforced only when the bucket has object lock enabled: legal hold ON, or COMPLIANCE mode until the
/// retain-until date, sent with the put. Reads are spooled to a temporary file (the client hands the body to a callback
/// only while the response is open), then served from it.
/// </para>
/// </remarks>
internal sealed class MinioBlobStore : IBlobStore, IDisposable
{
    /// <summary>The user metadata name carrying the lower-case hex SHA-256 (sent as <c>x-amz-meta-sha256</c>).</summary>
    internal const string Sha256Metadata = "sha256";

    private const int BufferSize = 128 * 1024;

    private readonly IMinioClient client;
    private readonly string bucket;
    private readonly string keyPrefix;
    private readonly S3RetryPolicy retry;
    private readonly bool ownsClient;
    private Task<bool>? objectLock;

    /// <param name="client">The MinIO client.</param>
    /// <param name="bucket">The bucket; it must exist.</param>
    /// <param name="prefix">Optional key prefix (a folder in the bucket), without leading or trailing '/'.</param>
    /// <param name="retry">Attempts and backoff; <see cref="S3RetryPolicy.Default"/> when null.</param>
    /// <param name="ownsClient">Whether disposing the store disposes <paramref name="client"/>.</param>
    public MinioBlobStore(IMinioClient client, string bucket, string? prefix = null, S3RetryPolicy? retry = null, bool ownsClient = true)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        var trimmed = (prefix ?? string.Empty).Trim('/');
        if (trimmed.Length > 0)
        {
            BlobKeys.Validate(trimmed, nameof(prefix));
        }

        this.client = client;
        this.bucket = bucket;
        keyPrefix = trimmed.Length == 0 ? string.Empty : trimmed + "/";
        this.retry = retry ?? S3RetryPolicy.Default;
        this.ownsClient = ownsClient;
    }

    public string Location => keyPrefix.Length == 0 ? $"s3://{bucket}" : $"s3://{bucket}/{keyPrefix.TrimEnd('/')}";

    public Task<bool> EnforcesRetentionAsync(CancellationToken cancellationToken = default)
    {
        var known = Volatile.Read(ref objectLock);
        if (known is null || known.IsFaulted || known.IsCanceled)
        {
            var asked = AskObjectLockAsync();
            known = Interlocked.CompareExchange(ref objectLock, asked, known) == known ? asked : Volatile.Read(ref objectLock)!;
        }

        return known.WaitAsync(cancellationToken);
    }

    public async Task<BlobInfo> PutAsync(string key, Stream content, BlobRetention? retention = null, CancellationToken cancellationToken = default)
    {
        BlobKeys.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        var objectKey = keyPrefix + key;

        var (upload, sha256, length, spooled) = await S3BlobStore.PrepareAsync(content, cancellationToken);
        try
        {
            var info = new BlobInfo(key, length, sha256);
            var existing = await RunAsync(c => HeadAsync(objectKey, c), cancellationToken);
            if (existing is { } found && found.Length == length && sha256.Equals(found.Sha256, StringComparison.Ordinal))
            {
                return info;
            }

            var enforce = retention is not null && await EnforcesRetentionAsync(cancellationToken);
            var sent = false;
            Exception? failure = null;
            try
            {
                await RunAsync(
                    async c =>
                    {
                        upload.Position = 0;
                        var put = new PutObjectArgs()
                            .WithBucket(bucket)
                            .WithObject(objectKey)
                            .WithStreamData(upload)
                            .WithObjectSize(length)
                            .WithContentType("application/octet-stream")
                            .WithHeaders(new Dictionary<string, string>(StringComparer.Ordinal) { ["x-amz-meta-" + Sha256Metadata] = sha256 });
                        if (enforce && retention!.LegalHold)
                        {
                            put = put.WithLegalHold(true);
                        }

                        if (enforce && retention!.RetainUntilUtc is { } until)
                        {
                            put = put.WithRetentionConfiguration(new ObjectRetentionConfiguration(until.UtcDateTime, ObjectRetentionMode.COMPLIANCE));
                        }

                        sent = true;
                        await client.PutObjectAsync(put, c);
                        await VerifyAsync(objectKey, sha256, length, c);
                        return true;
                    },
                    cancellationToken);
            }
            catch (Exception e) when (sent)
            {
                failure = e;
            }

            // Sent but not verified: success if the key holds these bytes after all (a concurrent put of the same package), else
            // remove what may be there so that no unverified object stays visible.
            if (failure is not null)
            {
                if (await IsIntactQuietlyAsync(objectKey, sha256, length))
                {
                    return info;
                }

                await DeleteQuietlyAsync(objectKey);
                ExceptionDispatchInfo.Throw(failure);
            }

            return info;
        }
        finally
        {
            if (spooled)
            {
                await upload.DisposeAsync();
            }
        }
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKeys.Validate(key);
        var objectKey = keyPrefix + key;
        return await RunAsync<Stream?>(
            async c =>
            {
                var spool = NewSpool();
                try
                {
                    await client.GetObjectAsync(
                        new GetObjectArgs().WithBucket(bucket).WithObject(objectKey).WithCallbackStream(async (body, t) => await body.CopyToAsync(spool, BufferSize, t)), c);
                    await spool.FlushAsync(c);
                    spool.Position = 0;
                    return spool;
                }
                catch (ObjectNotFoundException)
                {
                    await spool.DisposeAsync();
                    return null;
                }
                catch
                {
                    await spool.DisposeAsync();
                    throw;
                }
            },
            cancellationToken);
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobKeys.ValidatePrefix(prefix);
        var request = new ListObjectsArgs().WithBucket(bucket).WithPrefix(keyPrefix + prefix).WithRecursive(true);
        await foreach (var item in client.ListObjectsEnumAsync(request, cancellationToken))
        {
            if (!item.IsDir && item.Key.StartsWith(keyPrefix, StringComparison.Ordinal))
            {
                yield return new BlobInfo(item.Key[keyPrefix.Length..], (long)item.Size, null);
            }
        }
    }

    public void Dispose()
    {
        if (ownsClient)
        {
            client.Dispose();
        }
    }

    /// <summary>Whether a MinIO client failure may pass if the same request is sent again.</summary>
    internal static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // an HTTP time-out, not the caller
        ObjectNotFoundException or BucketNotFoundException or AccessDeniedException or AuthorizationException or InvalidBucketNameException
            or InvalidObjectNameException or MissingObjectLockConfigurationException or NotImplementedException => false,
        ConnectionException or InternalServerException or UnexpectedShortReadException => true,
        MinioException { Response.Code: "SlowDown" or "Throttling" or "RequestTimeout" or "InternalError" or "ServiceUnavailable" } => true,
        UnexpectedMinioException => true, // a response the client could not place (a gateway's 5xx page): worth another try
        // Minio 7.0's error parser dereferences a missing response on an error without content (a dropped HEAD, seen with
        // s3rver under concurrent puts): the request failed in transit, so it is worth another try.
        NullReferenceException when exception.TargetSite?.DeclaringType?.Namespace?.StartsWith("Minio", StringComparison.Ordinal) == true => true,
        IOException or HttpRequestException or TimeoutException or SocketException => true,
        _ when exception.InnerException is { } inner => IsTransient(inner, cancellationToken),
        _ => false,
    };

    private Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        retry.RunAsync(operation, cancellationToken, IsTransient);

    private static FileStream NewSpool() => new(
        Path.Combine(Path.GetTempPath(), "elic-minio-" + Guid.NewGuid().ToString("N")),
        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, BufferSize, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    private async Task<(long Length, string? Sha256)?> HeadAsync(string objectKey, CancellationToken cancellationToken)
    {
        try
        {
            var stat = await client.StatObjectAsync(new StatObjectArgs().WithBucket(bucket).WithObject(objectKey), cancellationToken);
            var sha256 = stat.MetaData.FirstOrDefault(m =>
                m.Key.Equals(Sha256Metadata, StringComparison.OrdinalIgnoreCase) || m.Key.Equals("x-amz-meta-" + Sha256Metadata, StringComparison.OrdinalIgnoreCase)).Value;
            return (stat.Size, sha256);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }

    // Read back through the server, not from any cache of ours: truncation or a wrong part stored by the server fails here.
    private async Task VerifyAsync(string objectKey, string sha256, long length, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long read = 0;
        try
        {
            await client.GetObjectAsync(
                new GetObjectArgs().WithBucket(bucket).WithObject(objectKey).WithCallbackStream(async (body, t) =>
                {
                    var buffer = new byte[BufferSize];
                    int n;
                    while ((n = await body.ReadAsync(buffer, t)) > 0)
                    {
                        hash.AppendData(buffer, 0, n);
                        read += n;
                    }
                }),
                cancellationToken);
        }
        catch (ObjectNotFoundException e)
        {
            // Gone right after the put: another writer is replacing it. Worth another try.
            throw new IOException($"Object '{objectKey}' was not found in {Location} right after it was written.", e);
        }

        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (read != length || !actual.Equals(sha256, StringComparison.Ordinal))
        {
            throw new IOException($"Object '{objectKey}' read back from {Location} has {read} bytes with a different SHA-256 than the {length} bytes sent.");
        }
    }

    private async Task<bool> IsIntactQuietlyAsync(string objectKey, string sha256, long length)
    {
        try
        {
            await RunAsync(async c => { await VerifyAsync(objectKey, sha256, length, c); return true; }, CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is MinioException or IOException or HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    private async Task DeleteQuietlyAsync(string objectKey)
    {
        try
        {
            await client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(bucket).WithObject(objectKey), CancellationToken.None);
        }
        catch (Exception e) when (e is MinioException or IOException or HttpRequestException or OperationCanceledException)
        {
            // Best effort: the caller gets the original failure; an object left here has no matching registration.
        }
    }

    private async Task<bool> AskObjectLockAsync()
    {
        try
        {
            var configuration = await RunAsync(
                c => client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationArgs().WithBucket(bucket), c), CancellationToken.None);
            return string.Equals(configuration?.ObjectLockEnabled, "Enabled", StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is MissingObjectLockConfigurationException or NotImplementedException
            || (e is MinioException && !IsTransient(e, CancellationToken.None)))
        {
            // No configuration, or not implemented (s3rver, some gateways): not enforced.
            return false;
        }
    }
}
