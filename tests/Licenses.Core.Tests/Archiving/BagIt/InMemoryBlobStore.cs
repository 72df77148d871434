using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using ElectronicLicense.Licenses.Storage;

namespace ElectronicLicense.Licenses.Tests.Archiving.BagIt;

/// <summary>A test double of <see cref="IBlobStore"/>: objects in a dictionary, with the retention each put asked for.</summary>
internal sealed class InMemoryBlobStore : IBlobStore
{
    private readonly SortedDictionary<string, byte[]> objects = new(StringComparer.Ordinal);

    public Dictionary<string, BlobRetention?> Retentions { get; } = new(StringComparer.Ordinal);

    public string Location => "memory://test";

    public IReadOnlyDictionary<string, byte[]> Objects => objects;

    public Task<bool> EnforcesRetentionAsync(CancellationToken cancellationToken = default) => Task.FromResult(false);

    public async Task<BlobInfo> PutAsync(string key, Stream content, BlobRetention? retention = null, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        objects[key] = bytes;
        Retentions[key] = retention;
        return new BlobInfo(key, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
        => Task.FromResult<Stream?>(objects.TryGetValue(key, out var bytes) ? new MemoryStream(bytes, writable: false) : null);

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var (key, bytes) in objects.Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            await Task.Yield();
            yield return new BlobInfo(key, bytes.Length, null);
        }
    }
}
