using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Archiving.BagIt;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static ElectronicLicense.Licenses.Tests.Archiving.BagIt.BagTestSupport;

namespace ElectronicLicense.Licenses.Tests.Archiving.BagIt;

[Properties(Arbitrary = new[] { typeof(BagPropertyArbitraries) })]
public sealed class BagPropertyTests
{
    // Segments mixing Chinese, spaces, '%', and the CR/LF that manifests must percent-encode; never "." or "..".
    internal static readonly Gen<string> Segment =
        Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(Gen.Elements("a", "Z", "证", "照", " ", "%", "%25", "-", ".", "_", "9", "\n", "\r", "𠀀"), n))
            .Select(parts => string.Concat(parts))
            .Where(s => s is not "." and not "..");

    // Files and folders get different first characters so a name is never both.
    private static readonly Gen<string> PayloadPath =
        from folders in Gen.Choose(0, 2).SelectMany(n => Gen.ArrayOf(Segment.Select(s => "d" + s), n))
        from file in Segment
        select "data/" + string.Concat(folders.Select(f => f + "/")) + "f" + file;

    internal static readonly Gen<Dictionary<string, byte[]>> Payloads =
        Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Gen.Zip(PayloadPath, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))), n))
            .Select(files => files.DistinctBy(f => f.Item1, StringComparer.Ordinal).ToDictionary(f => f.Item1, f => f.Item2, StringComparer.Ordinal));

    // The sample bag the byte-change property damages and repairs, one byte at a time.
    internal static readonly Lazy<InMemoryBlobStore> SampleBag = new(() =>
    {
        var store = new InMemoryBlobStore();
        WriteAsync(new BlobBagTarget(store, "bag"), SamplePayload()).GetAwaiter().GetResult();
        return store;
    });

    [Property(MaxTest = 60)]
    public void Any_set_of_names_and_contents_round_trips_valid_through_a_folder(BagPayload bag)
    {
        var payload = bag.Files;
        var (folder, result) = WriteFolderAsync(payload).GetAwaiter().GetResult();
        try
        {
            var report = ValidateFolderAsync(folder).GetAwaiter().GetResult();
            AssertAllPassed(report);
            Assert.Equal(payload.Keys.Order(StringComparer.Ordinal), result.Files.Select(f => f.RelativePath));
            Assert.All(payload, p => Assert.Equal(p.Value, File.ReadAllBytes(Path.Combine(folder, p.Key))));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    [Property]
    public void Any_set_of_names_and_contents_round_trips_valid_through_an_object_store(BagPayload bag)
    {
        var store = new InMemoryBlobStore();
        WriteAsync(new BlobBagTarget(store, "p/bag"), bag.Files).GetAwaiter().GetResult();
        AssertAllPassed(BagValidator.ValidateAsync(new BlobBagSource(store, "p/bag")).GetAwaiter().GetResult());
    }

    [Property]
    public void Any_single_byte_change_in_any_payload_file_fails_fixity_naming_that_file(PayloadByteChange change)
    {
        var store = SampleBag.Value;
        var bytes = store.Objects[change.Key];
        bytes[change.Index] ^= change.Mask;
        try
        {
            var report = BagValidator.ValidateAsync(new BlobBagSource(store, "bag")).GetAwaiter().GetResult();
            var failed = report.Where(c => c.Result == ArchiveCheckResult.Failed).ToList();
            Assert.Equal(2, failed.Count);
            Assert.All(failed, c => Assert.Equal((ArchiveCheckIds.Fixity, change.Key["bag/".Length..]), (c.Id, c.Path)));
        }
        finally
        {
            bytes[change.Index] ^= change.Mask;
        }
    }

    [Property]
    public bool Manifest_path_encoding_round_trips_and_leaves_only_percent_CR_LF_encoded(ManifestSegment segment)
    {
        var s = segment.Value;
        var encoded = BagPaths.Encode(s);
        return BagPaths.Decode(encoded) == s && !encoded.Contains('\n', StringComparison.Ordinal) && !encoded.Contains('\r', StringComparison.Ordinal)
            && encoded.Replace("%25", "", StringComparison.Ordinal).Replace("%0A", "", StringComparison.Ordinal).Replace("%0D", "", StringComparison.Ordinal).Count(c => c == '%') == 0;
    }
}

/// <summary>1–6 payload files under data/, by path.</summary>
public sealed record BagPayload(Dictionary<string, byte[]> Files)
{
    public override string ToString() => $"BagPayload {{ {string.Join(", ", Files.Select(f => $"\"{f.Key}\": {f.Value.Length} bytes"))} }}";
}

/// <summary>One path segment of Chinese, spaces, '%', CR and LF; never "." or "..".</summary>
public readonly record struct ManifestSegment(string Value);

/// <summary>A byte of a payload file of the sample bag and a non-zero XOR for it.</summary>
public readonly record struct PayloadByteChange(string Key, int Index, byte Mask);

internal static class BagPropertyArbitraries
{
    public static Arbitrary<BagPayload> BagPayload() => BagPropertyTests.Payloads.Select(p => new BagPayload(p)).ToArbitrary();

    public static Arbitrary<ManifestSegment> ManifestSegment() => BagPropertyTests.Segment.Select(s => new ManifestSegment(s)).ToArbitrary();

    public static Arbitrary<PayloadByteChange> PayloadByteChange()
    {
        var store = BagPropertyTests.SampleBag.Value;
        var keys = store.Objects.Keys.Where(k => k.StartsWith("bag/data/", StringComparison.Ordinal)).ToArray();
        return (from key in Gen.Elements(keys)
                from index in Gen.Choose(0, store.Objects[key].Length - 1)
                from mask in Gen.Choose(1, 255)
                select new PayloadByteChange(key, index, (byte)mask)).ToArbitrary();
    }
}
