namespace ElectronicLicense.Licenses.Storage;

/// <summary>The blob store archive packages go to (configuration section <c>Archives:Store</c>); resolve this type to write or read packages.</summary>
/// <remarks>A distinct type so that the archive store and the document store (<c>Storage:Objects</c>) can be told apart in the container.</remarks>
public sealed class ArchiveBlobStore : IBlobStore, IDisposable
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Archives:Store";

    private readonly IBlobStore inner;

    internal ArchiveBlobStore(IBlobStore inner) => this.inner = inner;

    /// <inheritdoc />
    public string Location => inner.Location;

    /// <inheritdoc />
    public Task<bool> EnforcesRetentionAsync(CancellationToken cancellationToken = default) => inner.EnforcesRetentionAsync(cancellationToken);

    /// <inheritdoc />
    public Task<BlobInfo> PutAsync(string key, Stream content, BlobRetention? retention = null, CancellationToken cancellationToken = default) =>
        inner.PutAsync(key, content, retention, cancellationToken);

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<BlobInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => (inner as IDisposable)?.Dispose();
}
