using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ElectronicLicense.Licenses.Storage;
using FsCheck;
using FsCheck.Fluent;

namespace ElectronicLicense.Licenses.Tests.Storage;

/// <summary>What every <see cref="IBlobStore"/> promises, run against the folder store and against a real S3-protocol server.</summary>
public abstract class BlobStoreContractTests : IAsyncLifetime
{
    private IBlobStore? store;

    protected IBlobStore Store => store ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync() => store = await CreateStoreAsync();

    public Task DisposeAsync()
    {
        (store as IDisposable)?.Dispose();
        return DisposeStoreAsync();
    }

    /// <summary>Whether the server under test sorts listings by whole key as S3 and MinIO do (s3rver sorts by folder walk).</summary>
    protected virtual bool ListsInWholeKeyOrder => true;

    protected abstract Task<IBlobStore> CreateStoreAsync();

    protected abstract Task DisposeStoreAsync();

    [Fact]
    public void Put_then_open_returns_the_same_bytes_and_their_digest()
    {
        var cases = (from key in Keys
                     from bytes in ArbMap.Default.GeneratorFor<byte[]>()
                     from seekable in Gen.Elements(true, false)
                     select (key, bytes, seekable)).ToArbitrary();

        var run = 0;
        Prop.ForAll(cases, c =>
        {
            // Each case in a folder of its own: a folder store cannot hold both "a" and "a/b", and real keys never ask it to.
            var (key, bytes, seekable) = ($"case-{Interlocked.Increment(ref run)}/{c.key}", c.bytes, c.seekable);
            Stream input = seekable ? new MemoryStream(bytes) : new NonSeekableStream(new MemoryStream(bytes));
            var stored = Store.PutAsync(key, input).GetAwaiter().GetResult();

            Assert.Equal(new BlobInfo(key, bytes.Length, Sha256(bytes)), stored);
            Assert.Equal(bytes, ReadAll(key));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(30));
    }

    [Fact]
    public async Task A_20_MB_stream_that_cannot_seek_is_stored_whole_and_sha256sum_agrees()
    {
        const long size = 20L * 1024 * 1024 + 17;
        var source = new GeneratedStream(size, seed: 20);
        var stored = await Store.PutAsync("packages/large/20mb.bin", source);

        Assert.Equal(size, stored.Length);
        Assert.Equal(source.Sha256(), stored.Sha256);

        // Download through the store and let coreutils, not our code, hash what came back.
        var file = Path.GetTempFileName();
        try
        {
            await using (var read = await Store.OpenReadAsync("packages/large/20mb.bin"))
            await using (var target = File.Create(file))
            {
                Assert.NotNull(read);
                await read.CopyToAsync(target);
            }

            Assert.Equal(size, new FileInfo(file).Length);
            Assert.Equal(stored.Sha256, Sha256Sum(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Content_is_read_from_the_current_position_of_a_seekable_stream()
    {
        var bytes = RandomNumberGenerator.GetBytes(5000);
        var input = new MemoryStream(bytes) { Position = 1234 };

        var stored = await Store.PutAsync("a/offset.bin", input);

        Assert.Equal(bytes.Length - 1234, stored.Length);
        Assert.Equal(bytes[1234..], ReadAll("a/offset.bin"));
    }

    [Fact]
    public async Task Putting_the_same_bytes_again_succeeds_and_different_bytes_replace_them()
    {
        var first = Encoding.UTF8.GetBytes("证照 archive package, version 1");
        var second = Encoding.UTF8.GetBytes("证照 archive package, version 2 (longer)");

        var a = await Store.PutAsync("dup/key.txt", new MemoryStream(first));
        var b = await Store.PutAsync("dup/key.txt", new NonSeekableStream(new MemoryStream(first)));
        Assert.Equal(a, b);
        Assert.Equal(first, ReadAll("dup/key.txt"));

        var c = await Store.PutAsync("dup/key.txt", new MemoryStream(second));
        Assert.Equal(Sha256(second), c.Sha256);
        Assert.Equal(second, ReadAll("dup/key.txt"));
        Assert.Equal(["dup/key.txt"], await KeysAsync("dup/"));
    }

    [Fact]
    public async Task Concurrent_puts_of_the_same_key_all_succeed_and_leave_one_whole_object()
    {
        var bytes = RandomNumberGenerator.GetBytes(300_000);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
            Store.PutAsync("race/package.zip", i % 2 == 0 ? new MemoryStream(bytes) : new NonSeekableStream(new MemoryStream(bytes))))));

        Assert.All(results, r => Assert.Equal(new BlobInfo("race/package.zip", bytes.Length, Sha256(bytes)), r));
        Assert.Equal(bytes, ReadAll("race/package.zip"));
        var listed = Assert.Single(await ListAsync("race/"));
        Assert.Equal(bytes.Length, listed.Length);
    }

    [Fact]
    public async Task Listing_returns_keys_under_the_prefix_in_ordinal_order_across_more_than_one_page()
    {
        // 1,001 keys: more than one ListObjectsV2 page (S3 returns at most 1,000 per page).
        var keys = Enumerable.Range(0, 1001).Select(i => $"bags/{i % 7}/{i:D5}.txt").ToList();

        keys.AddRange(["bags/a/b", "bags/a0", "bags/证照/档案.xml"]);
        if (ListsInWholeKeyOrder)
        {
            // Sorts differently by folder walk and by whole key: "a.b" < "a/b" < "a0" ordinally.
            keys.Add("bags/a.b");
        }

        var outside = new[] { "bagsy/x.txt", "other/bags/y.txt", "bag" };
        await Parallel.ForEachAsync(keys.Concat(outside), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, ct) =>
            await Store.PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes(key)), cancellationToken: ct));

        var listed = await ListAsync("bags/");

        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.Select(b => b.Key));
        Assert.All(listed, b => Assert.Equal(Encoding.UTF8.GetByteCount(b.Key), b.Length));
        Assert.Equal(["bags/3/00003.txt", "bags/3/00010.txt"], (await KeysAsync("bags/3/000")).Take(2));
        Assert.Equal(keys.Where(k => k.StartsWith("bags/a", StringComparison.Ordinal)).Order(StringComparer.Ordinal), await KeysAsync("bags/a"));
        Assert.Equal(["bags/证照/档案.xml"], await KeysAsync("bags/证照/"));
        Assert.Equal(keys.Concat(outside).Order(StringComparer.Ordinal), await KeysAsync(string.Empty));
    }

    [Fact]
    public async Task Opening_a_missing_key_returns_null()
    {
        Assert.Null(await Store.OpenReadAsync("nothing/here.txt"));
        Assert.Empty(await ListAsync("nothing/"));
    }

    [Fact]
    public async Task Invalid_keys_are_rejected_with_an_ArgumentException_naming_the_key()
    {
        var invalid = Gen.OneOf(
            Gen.Constant(string.Empty),
            Segment.Select(s => "/" + s),
            Segment.Select(s => s + "/"),
            Segment.Select(s => s + "//" + s),
            Segment.Select(s => s + "/./" + s),
            Segment.Select(s => s + "/../" + s),
            Segment.Select(s => "../" + s),
            Gen.Constant(".."),
            Segment.Select(s => s + "\\" + s),
            Segment.Select(s => s + "\0" + s),
            Segment.Select(s => ".elic-" + s)).ToArbitrary();

        Prop.ForAll(invalid, key =>
        {
            var put = Assert.ThrowsAny<ArgumentException>(() => Store.PutAsync(key, new MemoryStream([1, 2, 3])).GetAwaiter().GetResult());
            Assert.Contains("'" + key.Replace("\0", "\\u0000", StringComparison.Ordinal) + "'", put.Message, StringComparison.Ordinal);
            Assert.ThrowsAny<ArgumentException>(() => Store.OpenReadAsync(key).GetAwaiter().GetResult());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));

        Assert.Empty(await KeysAsync(string.Empty));
        await Assert.ThrowsAsync<ArgumentException>(() => ListAsync("../"));
        await Assert.ThrowsAsync<ArgumentException>(() => ListAsync("a\\b"));
    }

    /// <summary>Key segments: ASCII, CJK and punctuation, never "." or ".." or reserved.</summary>
    private static Gen<string> Segment { get; } =
        from length in Gen.Choose(1, 12)
        from chars in Gen.Elements("abcxyz019-_.~证照档案电子".ToCharArray()).ArrayOf(length)
        let s = new string(chars)
        where s is not "." and not ".."
        select s;

    private static Gen<string> Keys { get; } =
        from count in Gen.Choose(1, 4)
        from segments in Segment.ArrayOf(count)
        select string.Join('/', segments);

    protected static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    protected byte[] ReadAll(string key)
    {
        using var stream = Store.OpenReadAsync(key).GetAwaiter().GetResult() ?? throw new InvalidOperationException($"{key} is not stored.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    protected async Task<List<BlobInfo>> ListAsync(string prefix)
    {
        var list = new List<BlobInfo>();
        await foreach (var blob in Store.ListAsync(prefix))
        {
            list.Add(blob);
        }

        return list;
    }

    protected async Task<List<string>> KeysAsync(string prefix) => (await ListAsync(prefix)).Select(b => b.Key).ToList();

    private static string Sha256Sum(string file)
    {
        using var process = Process.Start(new ProcessStartInfo("sha256sum", [file]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Split(' ')[0];
    }
}

/// <summary>The contract on a folder.</summary>
public sealed class LocalFolderBlobStoreContractTests : BlobStoreContractTests
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("elic-blobs-");

    protected override Task<IBlobStore> CreateStoreAsync() => Task.FromResult<IBlobStore>(new LocalFolderBlobStore(folder.FullName));

    protected override Task DisposeStoreAsync()
    {
        folder.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Objects_are_plain_files_under_the_root_and_no_temporary_file_is_left()
    {
        var bytes = RandomNumberGenerator.GetBytes(1000);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.PutAsync("x/y/z.bin", new MemoryStream(bytes)))));

        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(folder.FullName, "x", "y", "z.bin")));
        Assert.Equal([Path.Combine(folder.FullName, "x", "y", "z.bin")], Directory.GetFiles(folder.FullName, "*", SearchOption.AllDirectories));
    }
}

/// <summary>The contract on a bucket of the test S3 server (s3rver), under a key prefix.</summary>
public sealed class S3BlobStoreContractTests : BlobStoreContractTests
{
    private string? bucket;

    protected override async Task<IBlobStore> CreateStoreAsync()
    {
        bucket = await S3TestServer.CreateBucketAsync();
        return BlobStores.CreateS3(S3TestServer.Options(bucket, prefix: "elic/test"));
    }

    // s3rver lists "a/b" before "a.b" (it walks its folders); S3 and MinIO compare whole keys as the store's contract says.
    protected override bool ListsInWholeKeyOrder => false;

    protected override Task DisposeStoreAsync() => Task.CompletedTask;

    [Fact]
    public async Task Objects_live_under_the_prefix_with_their_digest_as_metadata_and_the_location_names_no_credentials()
    {
        var bytes = RandomNumberGenerator.GetBytes(4096);
        await Store.PutAsync("p/q.bin", new NonSeekableStream(new MemoryStream(bytes)));

        using var client = S3TestServer.Client(bucket!);
        var head = await client.GetObjectMetadataAsync(bucket, "elic/test/p/q.bin");
        Assert.Equal(bytes.Length, head.ContentLength);
        Assert.Equal(Sha256(bytes), head.Metadata["x-amz-meta-sha256"]);
        Assert.Equal($"s3://{bucket}/elic/test", Store.Location);
        Assert.DoesNotContain("S3RVER", Store.Location, StringComparison.Ordinal);
        Assert.False(await Store.EnforcesRetentionAsync()); // s3rver has no object lock
    }
}
