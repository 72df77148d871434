using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace ElectronicLicense.Licenses.Storage;

/// <summary>Blob store in an S3-compatible bucket (MinIO, AWS S3, s3rver for tests), optionally under a key prefix.</summary>
/// <remarks>
/// <para>
/// The store computes each object's SHA-256 itself (s3rver ignores <c>x-amz-checksum-*</c>), sends it as <c>x-amz-meta-sha256</c>,
/// and after the put reads the object back and compares; a put of bytes already stored under the key is a no-op. Input that
/// cannot seek (or does not start at position 0) is spooled to a temporary file first, so memory stays constant for large
/// packages. <c>UseChunkEncoding</c> is off on every put: servers that do not understand aws-chunked framing (s3rver) would
/// otherwise store the framing inside the object.
/// </para>
/// <para>
/// Transient failures (HTTP 5xx except 501, 429 and throttling codes, time-outs, I/O and network errors, a read-back that
/// differs) are retried with exponential backoff. When a put was sent but never verified, the object is deleted before the
/// exception surfaces, so no unverified object stays visible.
/// </para>
/// <para>
/// Retention is enforced only when the bucket has object lock enabled (asked once with GetObjectLockConfiguration):
/// <see cref="BlobRetention.LegalHold"/> becomes legal hold ON, <see cref="BlobRetention.RetainUntilUtc"/> becomes COMPLIANCE mode
/// with that retain-until date. A re-put of identical bytes leaves the stored object and its retention as they are.
/// </para>
/// </remarks>
internal sealed class S3BlobStore : IBlobStore, IDisposable
{
    /// <summary>The user metadata name carrying the lower-case hex SHA-256 (sent as <c>x-amz-meta-sha256</c>).</summary>
    internal const string Sha256Metadata = "x-amz-meta-sha256";

    private const int BufferSize = 128 * 1024;

    private readonly IAmazonS3 client;
    private readonly string bucket;
    private readonly string keyPrefix;
    private readonly S3RetryPolicy retry;
    private readonly int pageSize;
    private readonly bool ownsClient;
    private Task<bool>? objectLock;

    /// <param name="client">The S3 client; configure it with <c>ForcePathStyle</c> for MinIO and s3rver.</param>
    /// <param name="bucket">The bucket; it must exist.</param>
    /// <param name="prefix">Optional key prefix (a folder in the bucket), without leading or trailing '/'.</param>
    /// <param name="retry">Attempts and backoff; <see cref="S3RetryPolicy.Default"/> when null.</param>
    /// <param name="pageSize">Keys per ListObjectsV2 page (S3 caps it at 1000).</param>
    /// <param name="ownsClient">Whether disposing the store disposes <paramref name="client"/>.</param>
    public S3BlobStore(IAmazonS3 client, string bucket, string? prefix = null, S3RetryPolicy? retry = null, int pageSize = 1000, bool ownsClient = true)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var trimmed = (prefix ?? string.Empty).Trim('/');
        if (trimmed.Length > 0)
        {
            BlobKeys.Validate(trimmed, nameof(prefix));
        }

        this.client = client;
        this.bucket = bucket;
        keyPrefix = trimmed.Length == 0 ? string.Empty : trimmed + "/";
        this.retry = retry ?? S3RetryPolicy.Default;
        this.pageSize = pageSize;
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

        var (upload, sha256, length, spooled) = await PrepareAsync(content, cancellationToken);
        try
        {
            var info = new BlobInfo(key, length, sha256);
            var existing = await retry.RunAsync(c => HeadAsync(objectKey, c), cancellationToken);
            if (existing is { } found && found.Length == length && sha256.Equals(found.Sha256, StringComparison.Ordinal))
            {
                return info;
            }

            var enforce = retention is not null && await EnforcesRetentionAsync(cancellationToken);
            var sent = false;
            Exception? failure = null;
            try
            {
                await retry.RunAsync(
                    async c =>
                    {
                        upload.Position = 0;
                        var request = new PutObjectRequest
                        {
                            BucketName = bucket,
                            Key = objectKey,
                            InputStream = upload,
                            AutoCloseStream = false,
                            AutoResetStreamPosition = true,
                            UseChunkEncoding = false,
                        };
                        request.Metadata[Sha256Metadata] = sha256;
                        if (enforce)
                        {
                            ApplyRetention(request, retention!);
                        }

                        sent = true;
                        await client.PutObjectAsync(request, c);
                        await VerifyAsync(objectKey, sha256, length, c);
                        return true;
                    },
                    cancellationToken);
            }
            catch (Exception e) when (sent)
            {
                failure = e;
            }

            // A put was sent but not verified. If the key holds these bytes after all (a concurrent put of the same package won),
            // that is success; otherwise remove what may be there, so that no unverified object stays visible.
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
        return await retry.RunAsync<Stream?>(
            async c =>
            {
                try
                {
                    var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = objectKey }, c);
                    return response.ResponseStream;
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    return null;
                }
            },
            cancellationToken);
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobKeys.ValidatePrefix(prefix);
        string? continuation = null;
        do
        {
            var request = new ListObjectsV2Request
            {
                BucketName = bucket,
                Prefix = keyPrefix + prefix,
                MaxKeys = pageSize,
                ContinuationToken = continuation,
            };
            var page = await retry.RunAsync(c => client.ListObjectsV2Async(request, c), cancellationToken);
            foreach (var item in page.S3Objects ?? [])
            {
                if (item.Key.StartsWith(keyPrefix, StringComparison.Ordinal))
                {
                    yield return new BlobInfo(item.Key[keyPrefix.Length..], item.Size ?? 0, null);
                }
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (!string.IsNullOrEmpty(continuation));
    }

    public void Dispose()
    {
        if (ownsClient)
        {
            client.Dispose();
        }
    }

    private static void ApplyRetention(PutObjectRequest request, BlobRetention retention)
    {
        if (retention.LegalHold)
        {
            request.ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On;
        }

        if (retention.RetainUntilUtc is { } until)
        {
            request.ObjectLockMode = ObjectLockMode.Compliance;
            request.ObjectLockRetainUntilDate = until.UtcDateTime;
        }
    }

    /// <summary>The upload stream at position 0, its digest and length, and whether it is a spool file of ours.</summary>
    internal static async Task<(Stream Upload, string Sha256, long Length, bool Spooled)> PrepareAsync(Stream content, CancellationToken cancellationToken)
    {
        if (content.CanSeek && content.Position == 0)
        {
            var digest = await SHA256.HashDataAsync(content, cancellationToken);
            var length = content.Length;
            content.Position = 0;
            return (content, Convert.ToHexStringLower(digest), length, false);
        }

        var spool = new FileStream(
            Path.Combine(Path.GetTempPath(), "elic-s3-" + Guid.NewGuid().ToString("N")),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, BufferSize, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[BufferSize];
            long length = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await spool.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                length += read;
            }

            await spool.FlushAsync(cancellationToken);
            spool.Position = 0;
            return (spool, Convert.ToHexStringLower(hash.GetHashAndReset()), length, true);
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    private async Task<(long Length, string? Sha256)?> HeadAsync(string objectKey, CancellationToken cancellationToken)
    {
        try
        {
            var head = await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = objectKey }, cancellationToken);
            return (head.ContentLength, head.Metadata[Sha256Metadata]);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    // Read back through the server, not from any cache of ours: chunk framing or truncation stored by the server fails here.
    private async Task VerifyAsync(string objectKey, string sha256, long length, CancellationToken cancellationToken)
    {
        GetObjectResponse response;
        try
        {
            response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = objectKey }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Gone right after the put: another writer is replacing it (s3rver replaces non-atomically). Worth another try.
            throw new IOException($"Object '{objectKey}' was not found in {Location} right after it was written.", e);
        }
        catch (ArgumentException e)
        {
            // The SDK could not parse the response headers (s3rver answers mid-overwrite with an empty ETag): a failed read-back.
            throw new IOException($"Object '{objectKey}' read back from {Location} came with unreadable headers.", e);
        }

        using var disposeResponse = response;
        await using var stream = response.ResponseStream;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        long read = 0;
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                read += n;
            }
        }
        catch (AmazonClientException e)
        {
            // The SDK's own ETag/MD5 check failed on the body: the read-back differs, which is worth another try.
            throw new IOException($"Object '{objectKey}' read back from {Location} failed the client's integrity check.", e);
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
            await retry.RunAsync(async c => { await VerifyAsync(objectKey, sha256, length, c); return true; }, CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or IOException or HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    private async Task DeleteQuietlyAsync(string objectKey)
    {
        try
        {
            await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = objectKey }, CancellationToken.None);
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or IOException or HttpRequestException or OperationCanceledException)
        {
            // Best effort: the caller gets the original failure; an object left here has no matching registration.
        }
    }

    private async Task<bool> AskObjectLockAsync()
    {
        try
        {
            var response = await retry.RunAsync(
                c => client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket }, c), CancellationToken.None);
            return response.ObjectLockConfiguration?.ObjectLockEnabled?.Value == ObjectLockEnabled.Enabled.Value;
        }
        catch (AmazonServiceException e) when (!S3RetryPolicy.IsTransient(e, CancellationToken.None))
        {
            // No configuration (404 ObjectLockConfigurationNotFoundError) or not implemented (s3rver, some gateways): not enforced.
            return false;
        }
    }
}

/// <summary>How <see cref="S3BlobStore"/> retries transient failures: <paramref name="Attempts"/> tries, waiting <paramref name="FirstDelay"/>, then twice as long each time.</summary>
internal sealed record S3RetryPolicy(int Attempts, TimeSpan FirstDelay)
{
    /// <summary>Four attempts, 200 ms, 400 ms, 800 ms apart.</summary>
    public static S3RetryPolicy Default { get; } = new(4, TimeSpan.FromMilliseconds(200));

    /// <summary>Whether <paramref name="exception"/> may pass if the same request is sent again.</summary>
    public static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // an HTTP time-out, not the caller
        AmazonServiceException { StatusCode: HttpStatusCode.NotImplemented } => false,
        AmazonServiceException s when (int)s.StatusCode >= 500 || s.StatusCode == HttpStatusCode.TooManyRequests => true,
        AmazonServiceException s when s.ErrorCode is "SlowDown" or "Throttling" or "ThrottlingException" or "RequestTimeout" or "InternalError" => true,
        IOException or HttpRequestException or TimeoutException or SocketException => true,
        _ when exception.InnerException is { } inner => IsTransient(inner, cancellationToken),
        _ => false,
    };

    /// <summary>Runs <paramref name="operation"/>, again after a transient failure, until it succeeds or the attempts are spent.</summary>
    /// <param name="operation">The request.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <param name="isTransient">Which failures pass on a retry; <see cref="IsTransient"/> (the AWS SDK's exceptions) when null.</param>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken, Func<Exception, CancellationToken, bool>? isTransient = null)
    {
        var transient = isTransient ?? IsTransient;
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(cancellationToken);
            }
            catch (Exception e) when (attempt < Attempts && transient(e, cancellationToken))
            {
                await Task.Delay(delay, cancellationToken);
                delay *= 2;
            }
        }
    }
}
