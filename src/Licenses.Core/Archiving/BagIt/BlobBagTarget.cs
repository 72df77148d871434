using ElectronicLicense.Licenses.Storage;

namespace ElectronicLicense.Licenses.Archiving.BagIt;

/// <summary>Writes a bag under a key prefix of an <see cref="IBlobStore"/> (the prefix is the bag's base directory).</summary>
public sealed class BlobBagTarget : IBagTarget
{
    private readonly IBlobStore store;
    private readonly string prefix;
    private readonly BlobRetention? retention;

    /// <summary>Targets keys <c>{prefix}/{relative path}</c> in <paramref name="store"/>, each stored with <paramref name="retention"/> when given.</summary>
    /// <exception cref="ArgumentException">The prefix has <c>.</c>, <c>..</c> or empty segments, a backslash, or is absolute.</exception>
    public BlobBagTarget(IBlobStore store, string prefix, BlobRetention? retention = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        this.store = store;
        this.prefix = BlobBagSource.CheckPrefix(prefix);
        this.retention = retention;
    }

    /// <inheritdoc />
    public string Location => BlobBagSource.Describe(store, prefix);

    /// <inheritdoc />
    public async Task WriteAsync(string relativePath, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(content);
        if (BagPaths.Unsafe(relativePath) is { } problem)
        {
            throw new ArgumentException($"Bag path is not allowed: {problem}.", nameof(relativePath));
        }

        await store.PutAsync(BlobBagSource.Key(prefix, relativePath), content, retention, cancellationToken).ConfigureAwait(false);
    }
}
