using System.Security.Cryptography;
using System.Text;
using ElectronicLicense.Licenses.Archiving.BagIt;
using static ElectronicLicense.Licenses.Tests.Archiving.BagIt.BagTestSupport;

namespace ElectronicLicense.Licenses.Tests.Archiving.BagIt;

public sealed class BagWriterTests : IDisposable
{
    private readonly List<string> folders = [];

    public void Dispose()
    {
        foreach (var folder in folders)
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    private async Task<(string Folder, BagWriteResult Result)> BagAsync(IReadOnlyDictionary<string, byte[]>? payload = null)
    {
        var bag = await WriteFolderAsync(payload);
        folders.Add(bag.Folder);
        return bag;
    }

    [Fact]
    public async Task Writes_the_agreed_tag_files_and_declares_BagIt_1_0()
    {
        var (folder, result) = await BagAsync();

        var tags = Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["bag-info.txt", "bagit.txt", "manifest-sha256.txt", "manifest-sm3.txt", "tagmanifest-sha256.txt", "tagmanifest-sm3.txt"], tags);
        Assert.Equal("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", File.ReadAllText(Path.Combine(folder, "bagit.txt")));
        var payload = SamplePayload();
        var info = File.ReadAllLines(Path.Combine(folder, "bag-info.txt"));
        Assert.Equal(
            [
                "Source-Organization: 重庆市电子证照库", $"External-Identifier: {LicenseId}", "Bagging-Date: 2026-11-23", "Bag-Size: 190.1 KB",
                $"Payload-Oxum: {payload.Values.Sum(b => b.Length)}.{payload.Count}",
            ],
            info);
        Assert.Equal(payload.Count, result.PayloadCount);
        Assert.Equal(result.PayloadOxum, info[^1]["Payload-Oxum: ".Length..]);
    }

    [Fact]
    public async Task Package_digest_is_the_SHA_256_of_tagmanifest_sha256_and_file_digests_are_those_of_the_bytes()
    {
        var (folder, result) = await BagAsync();

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, "tagmanifest-sha256.txt")))), result.PackageDigest);
        foreach (var file in result.Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(folder, file.RelativePath));
            Assert.Equal(bytes.Length, file.Length);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.Sha256);
            Assert.Equal(Convert.ToHexStringLower(Seals.Pki.Sm3.Hash(bytes)), file.Sm3);
        }
    }

    [Fact]
    public async Task Same_files_labels_and_date_give_the_same_bytes_whatever_the_order_files_are_added()
    {
        var payload = SamplePayload();
        var (first, a) = await BagAsync(payload);
        var (second, b) = await BagAsync(payload.Reverse().ToDictionary(StringComparer.Ordinal));

        Assert.Equal(a.PackageDigest, b.PackageDigest);
        foreach (var tag in Directory.GetFiles(first).Select(Path.GetFileName))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, tag!)), File.ReadAllBytes(Path.Combine(second, tag!)));
        }

        var lines = File.ReadAllLines(Path.Combine(first, "manifest-sha256.txt")).Select(l => l[66..]).ToList();
        Assert.Equal(lines.Order(StringComparer.Ordinal), lines);
    }

    [Fact]
    public async Task Percent_CR_and_LF_in_names_are_percent_encoded_in_manifests()
    {
        var (folder, _) = await BagAsync(new Dictionary<string, byte[]> { ["data/100% 证照\r\n.txt"] = [1, 2, 3] });

        var line = Assert.Single(File.ReadAllLines(Path.Combine(folder, "manifest-sm3.txt")));
        Assert.EndsWith("  data/100%25 证照%0D%0A.txt", line, StringComparison.Ordinal);
        AssertAllPassed(await ValidateFolderAsync(folder));
    }

    [Theory]
    [InlineData("metadata/license.xml")]
    [InlineData("data/../bagit.txt")]
    [InlineData("/data/a")]
    [InlineData("data\\a")]
    [InlineData("data//a")]
    [InlineData("data/")]
    public async Task Refuses_paths_outside_the_payload_or_escaping_the_bag(string path)
    {
        var folder = Directory.CreateTempSubdirectory("elic-bagit-").FullName;
        folders.Add(Path.Combine(folder, "x"));
        var writer = new BagWriter(new DirectoryBagTarget(folder));
        await Assert.ThrowsAsync<ArgumentException>(() => writer.AddPayloadAsync(path, new MemoryStream([1])));
    }

    [Theory]
    [InlineData("Payload-Oxum", "1.1")]
    [InlineData("bagging-date", "2020-01-01")]
    [InlineData("Bad:Label", "x")]
    [InlineData("Label", "two\nlines")]
    [InlineData(" Label", "x")]
    public async Task Refuses_computed_or_malformed_bag_info_elements(string label, string value)
    {
        var folder = Directory.CreateTempSubdirectory("elic-bagit-").FullName;
        folders.Add(Path.Combine(folder, "x"));
        var writer = new BagWriter(new DirectoryBagTarget(folder));
        await writer.AddPayloadAsync("data/a", new MemoryStream([1]));
        await Assert.ThrowsAsync<ArgumentException>(() => writer.CompleteAsync([new(label, value)], BaggingDate));
    }

    [Fact]
    public async Task A_target_that_stops_reading_early_fails_the_write()
    {
        var writer = new BagWriter(new ShortReadTarget());
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.AddPayloadAsync("data/a", new MemoryStream(new byte[1000])));
    }

    [Fact]
    public async Task Bag_written_to_an_object_store_validates_from_it_and_carries_the_retention()
    {
        var store = new InMemoryBlobStore();
        var retention = new ElectronicLicense.Licenses.Storage.BlobRetention(null, LegalHold: true);
        var result = await WriteAsync(new BlobBagTarget(store, $"archives/{LicenseId}-v1/", retention), SamplePayload());

        Assert.Equal($"memory://test/archives/{LicenseId}-v1", result.Location);
        Assert.Contains($"archives/{LicenseId}-v1/tagmanifest-sha256.txt", store.Objects.Keys);
        Assert.All(store.Retentions.Values, r => Assert.Equal(retention, r));
        AssertAllPassed(await BagValidator.ValidateAsync(new BlobBagSource(store, $"archives/{LicenseId}-v1")));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(store.Objects[$"archives/{LicenseId}-v1/tagmanifest-sha256.txt"])), result.PackageDigest);
    }

    [Fact]
    public async Task Object_store_bag_with_a_changed_object_fails_fixity()
    {
        var store = new InMemoryBlobStore();
        await WriteAsync(new BlobBagTarget(store, "bags/b"), SamplePayload());
        await store.PutAsync("bags/b/data/history/status.json", new MemoryStream(Encoding.UTF8.GetBytes("[{}]")));
        await store.PutAsync("bags/other/data/x", new MemoryStream([1]));

        var report = await BagValidator.ValidateAsync(new BlobBagSource(store, "bags/b"));

        AssertFails(report, ElectronicLicense.Licenses.Archiving.ArchiveCheckIds.Fixity, "data/history/status.json", ElectronicLicense.Licenses.Archiving.ArchiveCheckIds.PayloadOxum);
    }

    private sealed class ShortReadTarget : IBagTarget
    {
        public string Location => "short";

        public async Task WriteAsync(string relativePath, Stream content, CancellationToken cancellationToken = default)
            => _ = await content.ReadAsync(new byte[10], cancellationToken);
    }
}
