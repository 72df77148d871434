using System.Runtime.CompilerServices;
using ElectronicLicense.Licenses.Storage;

namespace ElectronicLicense.Licenses.Archiving.BagIt;

/// <summary>Reads a bag from a key prefix of an <see cref="IBlobStore"/> (the prefix is the bag's base directory).</summary>
public sealed class BlobBagSource : IBagSource
{
    private readonly IBlobStore store;
    private readonly string prefix;

    /// <summary>Reads the objects under <c>{prefix}/</c> in <paramref name="store"/>.</summary>
    /// <exception cref="ArgumentException">The prefix has <c>.</c>, <c>..</c> or empty segments, a backslash, or is absolute.</exception>
    public BlobBagSource(IBlobStore store, string prefix)
    {
        ArgumentNullException.ThrowIfNull(store);
        this.store = store;
        this.prefix = CheckPrefix(prefix);
    }

    /// <inheritdoc />
    public string Location => Describe(store, prefix);

    /// <inheritdoc />
    public async IAsyncEnumerable<BagFileInfo> ListFilesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var listed = prefix.Length == 0 ? "" : prefix + "/";
        await foreach (var blob in store.ListAsync(listed, cancellationToken).ConfigureAwait(false))
        {
            if (blob.Key.StartsWith(listed, StringComparison.Ordinal) && blob.Key.Length > listed.Length)
            {
                yield return new BagFileInfo(blob.Key[listed.Length..], blob.Length);
            }
        }
    }

    /// <inheritdoc />
    public Task<Stream?> OpenAsync(string relativePath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        return BagPaths.Unsafe(relativePath) is null
            ? store.OpenReadAsync(Key(prefix, relativePath), cancellationToken)
            : Task.FromResult<Stream?>(null);
    }

    internal static string Key(string prefix, string relativePath) => prefix.Length == 0 ? relativePath : prefix + "/" + relativePath;

    internal static string Describe(IBlobStore store, string prefix) => prefix.Length == 0 ? store.Location : store.Location.TrimEnd('/') + "/" + prefix;

    internal static string CheckPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var trimmed = prefix.TrimEnd('/');
        if (trimmed.Length > 0 && BagPaths.Unsafe(trimmed) is { } problem)
        {
            throw new ArgumentException($"Key prefix is not allowed: {problem}.", nameof(prefix));
        }

        return trimmed;
    }
}
