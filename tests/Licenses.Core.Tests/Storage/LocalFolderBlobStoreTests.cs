using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ElectronicLicense.Licenses.Storage;

namespace ElectronicLicense.Licenses.Tests.Storage;

/// <summary>The folder store's own promises: retention recorded but not enforced, and the document layout of earlier releases.</summary>
public sealed class LocalFolderBlobStoreTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("elic-folder-store-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public async Task Retention_is_recorded_beside_the_objects_and_reported_as_not_enforced()
    {
        var store = new LocalFolderBlobStore(folder.FullName);
        var until = new DateTimeOffset(2036, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));

        await store.PutAsync("archives/a-v1/bag.zip", new MemoryStream([1, 2, 3]), new BlobRetention(until, LegalHold: false));

        Assert.False(await store.EnforcesRetentionAsync());
        var record = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder.FullName, ".elic-retention", "archives", "a-v1", "bag.zip.json"))).RootElement;
        Assert.Equal(until, record.GetProperty("retainUntilUtc").GetDateTimeOffset());
        Assert.False(record.GetProperty("legalHold").GetBoolean());

        // The record is not an object: listings do not show it.
        Assert.Equal(["archives/a-v1/bag.zip"], await KeysAsync(store, string.Empty));
    }

    [Fact]
    public async Task A_key_with_recorded_retention_keeps_its_bytes_and_a_later_put_may_only_extend_the_retention()
    {
        var store = new LocalFolderBlobStore(folder.FullName);
        var original = Encoding.UTF8.GetBytes("package v1");
        await store.PutAsync("keep.zip", new MemoryStream(original), new BlobRetention(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), false));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => store.PutAsync("keep.zip", new MemoryStream(Encoding.UTF8.GetBytes("changed"))));
        Assert.Contains("keep.zip", refused.Message, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllBytes(Path.Combine(folder.FullName, "keep.zip")));

        // Same bytes again with a hold and an earlier date: the hold is added, the later date stays.
        await store.PutAsync("keep.zip", new MemoryStream(original), new BlobRetention(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), true));
        var record = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder.FullName, ".elic-retention", "keep.zip.json"))).RootElement;
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), record.GetProperty("retainUntilUtc").GetDateTimeOffset());
        Assert.True(record.GetProperty("legalHold").GetBoolean());

        // Without a record, different bytes replace the object (no retention was asked for).
        await store.PutAsync("free.zip", new MemoryStream([1]));
        await store.PutAsync("free.zip", new MemoryStream([2]));
        Assert.Equal([2], File.ReadAllBytes(Path.Combine(folder.FullName, "free.zip")));
    }

    [Fact]
    public async Task Documents_keep_the_objects_sha256_ab_hex_layout_so_existing_data_directories_still_read()
    {
        var objects = Path.Combine(folder.FullName, "objects");
        var store = new BlobObjectStore(new LocalFolderBlobStore(objects));
        var bytes = RandomNumberGenerator.GetBytes(2048);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var stored = await store.PutAsync(bytes);

        Assert.Equal(new StoredObject(sha256, bytes.Length), stored);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(objects, "sha256", sha256[..2], sha256)));

        // A file placed by an earlier release (same layout, no sidecars) reads back through the new store.
        var older = Encoding.ASCII.GetBytes("%PDF-1.7 written by an earlier release");
        var olderSha = Convert.ToHexStringLower(SHA256.HashData(older));
        Directory.CreateDirectory(Path.Combine(objects, "sha256", olderSha[..2]));
        File.WriteAllBytes(Path.Combine(objects, "sha256", olderSha[..2], olderSha), older);
        await using var read = await store.OpenReadAsync(olderSha.ToUpperInvariant());
        Assert.NotNull(read);
        using var memory = new MemoryStream();
        await read.CopyToAsync(memory);
        Assert.Equal(older, memory.ToArray());

        Assert.Null(await store.OpenReadAsync("not-a-digest"));
        Assert.Null(await store.OpenReadAsync(new string('0', 64)));
    }

    private static async Task<List<string>> KeysAsync(IBlobStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var blob in store.ListAsync(prefix))
        {
            keys.Add(blob.Key);
        }

        return keys;
    }
}
