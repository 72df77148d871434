using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ElectronicLicense.Licenses.Storage;

/// <summary>Content-addressed document storage over any <see cref="IBlobStore"/>: the object with digest <c>abcd…</c> is the blob <c>sha256/ab/abcd…</c>.</summary>
/// <remarks>
/// Over a <see cref="LocalFolderBlobStore"/> rooted at <c>{DataDirectory}/objects</c> the files are where the registry has always
/// kept them (<c>{DataDirectory}/objects/sha256/ab/abcd…</c>), so existing data directories keep working.
/// </remarks>
internal sealed class BlobObjectStore(IBlobStore blobs) : IObjectStore, IDisposable
{
    /// <summary>The blob store underneath, for reports.</summary>
    public IBlobStore Blobs { get; } = blobs;

    /// <summary>The blob key of the object with <paramref name="sha256"/> (lower-case hex).</summary>
    internal static string KeyOf(string sha256) => $"sha256/{sha256[..2]}/{sha256}";

    public async Task<StoredObject> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var key = KeyOf(sha256);
        using var stream = MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        var stored = await Blobs.PutAsync(key, stream, retention: null, cancellationToken);
        if (!sha256.Equals(stored.Sha256, StringComparison.Ordinal))
        {
            throw new IOException($"Object store at {Blobs.Location} stored a different digest for {key}.");
        }

        return new StoredObject(sha256, content.Length);
    }

    public Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken = default)
    {
        if (sha256.Length != 64 || !sha256.All(Uri.IsHexDigit))
        {
            return Task.FromResult<Stream?>(null);
        }

        return Blobs.OpenReadAsync(KeyOf(sha256.ToLowerInvariant()), cancellationToken);
    }

    public void Dispose() => (Blobs as IDisposable)?.Dispose();
}
