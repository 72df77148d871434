using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace ElectronicLicense.Licenses.Storage;

/// <summary>Blob store in a local folder: the object at key <c>a/b.txt</c> is the file <c>{root}/a/b.txt</c>.</summary>
/// <remarks>
/// A put writes a temporary file in the target's folder, flushes it to disk, reads it back and checks its SHA-256, then renames it
/// over the target atomically, so readers see the old object or the new one, never a part. Retention is recorded, not enforced:
/// <c>{root}/.elic-retention/{key}.json</c> holds <c>retainUntilUtc</c> and <c>legalHold</c>; a put of different bytes at a key
/// with a record is refused (anyone with file access can still delete the files, which is why <see cref="EnforcesRetentionAsync"/>
/// is false).
/// </remarks>
internal sealed class LocalFolderBlobStore : IBlobStore
{
    private const string RetentionFolder = BlobKeys.ReservedSegmentPrefix + "retention";
    private const int BufferSize = 128 * 1024;

    private static readonly JsonSerializerOptions RetentionJson = new(JsonSerializerDefaults.Web);

    private readonly string root;

    public LocalFolderBlobStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        this.root = Path.GetFullPath(root);
        Directory.CreateDirectory(this.root);
    }

    public string Location => root;

    public Task<bool> EnforcesRetentionAsync(CancellationToken cancellationToken = default) => Task.FromResult(false);

    public async Task<BlobInfo> PutAsync(string key, Stream content, BlobRetention? retention = null, CancellationToken cancellationToken = default)
    {
        BlobKeys.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $"{BlobKeys.ReservedSegmentPrefix}tmp-{Guid.NewGuid():N}");
        try
        {
            string sha256;
            long length;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                (sha256, length) = await CopyHashingAsync(content, file, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            // Read back before publishing: a disk or file system that silently changes bytes must fail here, not at validation time.
            var (readBack, readLength) = await DigestOfFileAsync(temporary, cancellationToken);
            if (readLength != length || !readBack.Equals(sha256, StringComparison.Ordinal))
            {
                throw new IOException($"Blob '{key}' read back from {root} differs from the bytes written.");
            }

            if (File.Exists(path))
            {
                var (existing, _) = await DigestOfFileAsync(path, cancellationToken);
                if (existing.Equals(sha256, StringComparison.Ordinal))
                {
                    await RecordRetentionAsync(key, retention, cancellationToken);
                    return new BlobInfo(key, length, sha256);
                }

                if (await ReadRetentionAsync(key, cancellationToken) is not null)
                {
                    throw new InvalidOperationException(
                        $"Blob '{key}' has a recorded retention and different bytes already; it is not overwritten.");
                }
            }

            File.Move(temporary, path, overwrite: true);
            await RecordRetentionAsync(key, retention, cancellationToken);
            return new BlobInfo(key, length, sha256);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        BlobKeys.Validate(key);
        try
        {
            // Unbuffered and without FileOptions.Asynchronous: on Linux asynchronous file handles gain nothing (reads go to the
            // thread pool either way) and double buffering halves the copy rate of an export.
            return Task.FromResult<Stream?>(new FileStream(
                PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobKeys.ValidatePrefix(prefix);

        // Depth-first, each folder's entries sorted by name with '/' after folder names: that is exactly ordinal order of whole
        // keys, and memory stays proportional to the folders on the current path rather than the whole store.
        // Start in the prefix's deepest folder: listing one bag must not read every bag of its type.
        var folder = prefix[..(prefix.LastIndexOf('/') + 1)];
        var stack = new Stack<(List<(string SortKey, FileSystemInfo Entry)> Entries, int Next)>();
        stack.Push((Entries(folder.Length == 0 ? root : PathOf(folder.TrimEnd('/')), folder, prefix), 0));
        while (stack.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (entries, next) = stack.Pop();
            if (next >= entries.Count)
            {
                continue;
            }

            stack.Push((entries, next + 1));
            var (sortKey, entry) = entries[next];
            if (entry is DirectoryInfo)
            {
                stack.Push((Entries(entry.FullName, sortKey, prefix), 0));
            }
            else if (entry is FileInfo file && file.Exists)
            {
                yield return new BlobInfo(sortKey, file.Length, null);
            }
        }

        await Task.CompletedTask;
    }

    private static List<(string SortKey, FileSystemInfo Entry)> Entries(string directory, string keyPrefix, string prefix)
    {
        var entries = new List<(string SortKey, FileSystemInfo Entry)>();
        try
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                if (entry.Name.StartsWith(BlobKeys.ReservedSegmentPrefix, StringComparison.Ordinal))
                {
                    continue; // temporary files and retention records
                }

                var isDirectory = (entry.Attributes & FileAttributes.Directory) != 0;
                var sortKey = keyPrefix + entry.Name + (isDirectory ? "/" : string.Empty);
                var relevant = sortKey.StartsWith(prefix, StringComparison.Ordinal)
                    || (isDirectory && prefix.StartsWith(sortKey, StringComparison.Ordinal));
                if (relevant)
                {
                    entries.Add((sortKey, entry));
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // removed while listing: nothing to list there
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.SortKey, b.SortKey));
        return entries;
    }

    private static async Task<(string Sha256, long Length)> CopyHashingAsync(Stream source, Stream target, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long length = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                length += read;
            }

            return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<(string Sha256, long Length)> DigestOfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var digest = await SHA256.HashDataAsync(file, cancellationToken);
        return (Convert.ToHexStringLower(digest), file.Length);
    }

    private string PathOf(string key) => Path.Combine(root, key.Replace('/', Path.DirectorySeparatorChar));

    private string RetentionPathOf(string key) => Path.Combine(root, RetentionFolder, key.Replace('/', Path.DirectorySeparatorChar) + ".json");

    private async Task<BlobRetention?> ReadRetentionAsync(string key, CancellationToken cancellationToken)
    {
        var path = RetentionPathOf(key);
        if (!File.Exists(path))
        {
            return null;
        }

        await using var file = File.OpenRead(path);
        var record = await JsonSerializer.DeserializeAsync<RetentionRecord>(file, RetentionJson, cancellationToken);
        return record is null ? null : new BlobRetention(record.RetainUntilUtc, record.LegalHold);
    }

    // A later put may extend a recorded retention (a later date, a hold) but never shortens it.
    private async Task RecordRetentionAsync(string key, BlobRetention? retention, CancellationToken cancellationToken)
    {
        if (retention is null)
        {
            return;
        }

        var existing = await ReadRetentionAsync(key, cancellationToken);
        var until = (existing?.RetainUntilUtc, retention.RetainUntilUtc) switch
        {
            (null, var b) => b,
            (var a, null) => a,
            (var a, var b) => a > b ? a : b,
        };
        var record = new RetentionRecord(until?.ToUniversalTime(), retention.LegalHold || existing?.LegalHold == true);
        if (existing is not null && existing.RetainUntilUtc == record.RetainUntilUtc && existing.LegalHold == record.LegalHold)
        {
            return;
        }

        var path = RetentionPathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(record, RetentionJson), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    private sealed record RetentionRecord(DateTimeOffset? RetainUntilUtc, bool LegalHold);
}
