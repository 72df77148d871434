namespace ElectronicLicense.Licenses.Storage;

/// <summary>An object as listed or stored by an <see cref="IBlobStore"/>.</summary>
/// <param name="Key">Its key: slash-separated, relative, no empty, <c>.</c> or <c>..</c> segments.</param>
/// <param name="Length">Length in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the bytes when known (always after a put; listings may not know it).</param>
public sealed record BlobInfo(string Key, long Length, string? Sha256);

/// <summary>How long a stored object must be kept (保管期限) before it may be deleted or overwritten.</summary>
/// <param name="RetainUntilUtc">Keep at least until then; null with <paramref name="LegalHold"/> for 永久.</param>
/// <param name="LegalHold">Keep until the hold is lifted (used for 永久, which has no end date).</param>
public sealed record BlobRetention(DateTimeOffset? RetainUntilUtc, bool LegalHold);

/// <summary>Keyed object storage: the local folder (embedded default) or an S3-compatible bucket (MinIO, S3).</summary>
/// <remarks>
/// Puts are idempotent and verified: the store computes the SHA-256 while writing, reads the object back and fails
/// unless the digests agree; putting the same bytes at the same key again succeeds without change. Readers never see a
/// partially written object. Transient failures are retried before an exception reaches the caller.
/// </remarks>
public interface IBlobStore
{
    /// <summary>Where the objects live, for reports and logs: a folder path or <c>s3://bucket/prefix</c>. Never carries credentials.</summary>
    string Location { get; }

    /// <summary>Whether the store enforces <see cref="BlobRetention"/> (an S3 bucket with object lock) or only records it (the folder store).</summary>
    Task<bool> EnforcesRetentionAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="content"/> (read from its current position to its end) under <paramref name="key"/>.</summary>
    Task<BlobInfo> PutAsync(string key, Stream content, BlobRetention? retention = null, CancellationToken cancellationToken = default);

    /// <summary>Opens an object, or returns null when there is none at that key.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Lists the objects whose keys start with <paramref name="prefix"/>, in ordinal key order.</summary>
    IAsyncEnumerable<BlobInfo> ListAsync(string prefix, CancellationToken cancellationToken = default);
}
