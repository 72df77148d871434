using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Archiving.BagIt;
using static ElectronicLicense.Licenses.Tests.Archiving.BagIt.BagTestSupport;

namespace ElectronicLicense.Licenses.Tests.Archiving.BagIt;

/// <summary>Independent checks of the bags with coreutils <c>sha256sum</c>, OpenSSL 3 <c>dgst -sm3</c> and GNU <c>tar</c> (no BagIt validator is installable here).</summary>
public sealed class BagInteropTests : IDisposable
{
    private readonly List<string> folders = [];

    public void Dispose()
    {
        foreach (var folder in folders)
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    private async Task<(string Folder, BagWriteResult Result)> BagAsync()
    {
        var bag = await WriteFolderAsync();
        folders.Add(bag.Folder);
        return bag;
    }

    [Fact]
    public async Task Coreutils_sha256sum_checks_the_manifests_and_catches_a_tampered_file()
    {
        var (folder, _) = await BagAsync();

        var payload = Run(folder, "sha256sum", "--strict", "-c", "manifest-sha256.txt");
        var tags = Run(folder, "sha256sum", "--strict", "-c", "tagmanifest-sha256.txt");
        Assert.True(payload.ExitCode == 0, payload.Output);
        Assert.True(tags.ExitCode == 0, tags.Output);
        Assert.Equal(5, payload.Output.Split('\n').Count(l => l.EndsWith(": OK", StringComparison.Ordinal)));

        var status = Path.Combine(folder, "data/history/status.json");
        File.WriteAllText(status, "[{}]");
        var tampered = Run(folder, "sha256sum", "--strict", "-c", "manifest-sha256.txt");
        Assert.NotEqual(0, tampered.ExitCode);
        Assert.Contains("data/history/status.json: FAILED", tampered.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Openssl_sm3_of_each_payload_file_equals_its_manifest_sm3_line()
    {
        var (folder, result) = await BagAsync();

        var lines = File.ReadAllLines(Path.Combine(folder, "manifest-sm3.txt"));
        Assert.Equal(result.PayloadCount, lines.Length);
        foreach (var line in lines)
        {
            var path = line[66..];
            var (exit, output) = Run(folder, "openssl", "dgst", "-sm3", "-r", path);
            Assert.True(exit == 0, output);
            Assert.Equal(line[..64], output.Split(' ')[0]);
        }
    }

    [Fact]
    public async Task Tar_lists_every_file_under_one_base_directory_and_a_bag_extracted_by_GNU_tar_validates()
    {
        var (folder, _) = await BagAsync();
        var baseName = Path.GetFileName(folder);
        var tarFile = Path.Combine(Path.GetDirectoryName(folder)!, "bag.tar");
        await using (var output = new NonSeekableStream(File.Create(tarFile)))
        {
            await TarBagWriter.WriteAsync(new BlobLikeSource(new DirectoryBagSource(folder)), output, baseName, new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));
        }

        var (exit, listing) = Run(Path.GetDirectoryName(folder)!, "tar", "-tf", tarFile);
        Assert.True(exit == 0, listing);
        var names = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(names, n => Assert.StartsWith(baseName + "/", n, StringComparison.Ordinal));
        var expected = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => baseName + "/" + Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal);
        Assert.Equal(expected, names.Where(n => !n.EndsWith('/')).Order(StringComparer.Ordinal));

        var extracted = Path.Combine(Path.GetDirectoryName(folder)!, "extracted");
        Directory.CreateDirectory(extracted);
        var untar = Run(extracted, "tar", "-xf", tarFile);
        Assert.True(untar.ExitCode == 0, untar.Output);
        AssertAllPassed(await ValidateFolderAsync(Path.Combine(extracted, baseName)));
    }

    [Fact]
    public async Task A_bag_tarred_by_GNU_tar_reads_back_into_an_object_store_and_validates()
    {
        var (folder, result) = await BagAsync();
        var parent = Path.GetDirectoryName(folder)!;
        var made = Run(parent, "tar", "-cf", "gnu.tar", Path.GetFileName(folder));
        Assert.True(made.ExitCode == 0, made.Output);

        var store = new InMemoryBlobStore();
        string baseName;
        await using (var tar = new NonSeekableStream(File.OpenRead(Path.Combine(parent, "gnu.tar"))))
        {
            baseName = await TarBagReader.ExtractAsync(tar, new BlobBagTarget(store, "in"));
        }

        Assert.Equal(Path.GetFileName(folder), baseName);
        AssertAllPassed(await BagValidator.ValidateAsync(new BlobBagSource(store, "in")));
        Assert.Equal(result.PackageDigest, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(store.Objects["in/tagmanifest-sha256.txt"])));
    }

    [Theory]
    [InlineData("--transform=s,^,../,", "'..'")]
    [InlineData("--transform=s,^[^/]*/bagit.txt,other/bagit.txt,", "outside the bag's single top-level directory")]
    public async Task Tar_reader_refuses_entries_outside_one_base_directory(string transform, string reason)
    {
        var (folder, _) = await BagAsync();
        var parent = Path.GetDirectoryName(folder)!;
        var made = Run(parent, "tar", "-cf", "bad.tar", "--format=pax", transform, Path.GetFileName(folder));
        Assert.True(made.ExitCode == 0, made.Output);

        var target = new DirectoryBagTarget(Path.Combine(parent, "out"));
        await using var tar = File.OpenRead(Path.Combine(parent, "bad.tar"));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TarBagReader.ExtractAsync(tar, target));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tar_reader_refuses_links()
    {
        var (folder, _) = await BagAsync();
        var parent = Path.GetDirectoryName(folder)!;
        File.CreateSymbolicLink(Path.Combine(folder, "data/link"), "/etc/passwd");
        Run(parent, "tar", "-cf", "link.tar", Path.GetFileName(folder));

        await using var tar = File.OpenRead(Path.Combine(parent, "link.tar"));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TarBagReader.ExtractAsync(tar, new DiscardTarget()));
        Assert.Contains("SymbolicLink", error.Message, StringComparison.Ordinal);
        Assert.Equal(ArchiveCheckResult.Failed, (await ValidateFolderAsync(folder)).Single(c => c.Id == ArchiveCheckIds.Paths).Result);
    }

    private sealed class DiscardTarget : IBagTarget
    {
        public string Location => "memory";

        public Task WriteAsync(string relativePath, Stream content, CancellationToken cancellationToken = default) => content.CopyToAsync(Stream.Null, cancellationToken);
    }

    /// <summary>Hides a source's seekable file streams, as an S3 download would, so the tar writer must spool.</summary>
    private sealed class BlobLikeSource(IBagSource inner) : IBagSource
    {
        public string Location => inner.Location;

        public IAsyncEnumerable<BagFileInfo> ListFilesAsync(CancellationToken cancellationToken = default) => inner.ListFilesAsync(cancellationToken);

        public async Task<Stream?> OpenAsync(string relativePath, CancellationToken cancellationToken = default)
            => await inner.OpenAsync(relativePath, cancellationToken) is { } s ? new NonSeekableStream(s) : null;
    }

    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
