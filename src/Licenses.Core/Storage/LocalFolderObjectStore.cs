using System.Security.Cryptography;

namespace ElectronicLicense.Licenses.Storage;

/// <summary>Object store in a local folder: <c>{root}/sha256/ab/abcdef…</c>, written via a temporary file and an atomic rename.</summary>
internal sealed class LocalFolderObjectStore : IObjectStore
{
    private readonly string root;

    public LocalFolderObjectStore(string root)
    {
        this.root = Path.GetFullPath(root);
        Directory.CreateDirectory(this.root);
    }

    public async Task<StoredObject> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var path = PathOf(sha256);
        if (File.Exists(path))
        {
            return new StoredObject(sha256, content.Length);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            // Read back before publishing: a store that silently corrupts bytes must fail here, not at verification time.
            var written = await File.ReadAllBytesAsync(temporary, cancellationToken);
            if (!Convert.ToHexStringLower(SHA256.HashData(written)).Equals(sha256, StringComparison.Ordinal))
            {
                throw new IOException("Object store read-back digest differs from the written content.");
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        return new StoredObject(sha256, content.Length);
    }

    public Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken = default)
    {
        if (sha256.Length != 64 || !sha256.All(Uri.IsHexDigit))
        {
            return Task.FromResult<Stream?>(null);
        }

        var path = PathOf(sha256.ToLowerInvariant());
        return Task.FromResult<Stream?>(File.Exists(path) ? File.OpenRead(path) : null);
    }

    private string PathOf(string sha256) => Path.Combine(root, "sha256", sha256[..2], sha256);
}
