using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Archiving.BagIt;
using FsCheck;
using FsCheck.Fluent;
using static ElectronicLicense.Licenses.Tests.Archiving.BagIt.BagTestSupport;

namespace ElectronicLicense.Licenses.Tests.Archiving.BagIt;

public sealed class BagPropertyTests
{
    // Segments mixing Chinese, spaces, '%', and the CR/LF that manifests must percent-encode; never "." or "..".
    private static readonly Gen<string> Segment =
        Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(Gen.Elements("a", "Z", "证", "照", " ", "%", "%25", "-", ".", "_", "9", "\n", "\r", "𠀀"), n))
            .Select(parts => string.Concat(parts))
            .Where(s => s is not "." and not "..");

    // Files and folders get different first characters so a name is never both.
    private static readonly Gen<string> PayloadPath =
        from folders in Gen.Choose(0, 2).SelectMany(n => Gen.ArrayOf(Segment.Select(s => "d" + s), n))
        from file in Segment
        select "data/" + string.Concat(folders.Select(f => f + "/")) + "f" + file;

    private static readonly Gen<Dictionary<string, byte[]>> Payloads =
        Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Gen.Zip(PayloadPath, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))), n))
            .Select(files => files.DistinctBy(f => f.Item1, StringComparer.Ordinal).ToDictionary(f => f.Item1, f => f.Item2, StringComparer.Ordinal));

    [Fact]
    public void Any_set_of_names_and_contents_round_trips_valid_through_a_folder()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), Prop.ForAll(Payloads.ToArbitrary(), payload =>
        {
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
        }));
    }

    [Fact]
    public void Any_set_of_names_and_contents_round_trips_valid_through_an_object_store()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(Payloads.ToArbitrary(), payload =>
        {
            var store = new InMemoryBlobStore();
            WriteAsync(new BlobBagTarget(store, "p/bag"), payload).GetAwaiter().GetResult();
            AssertAllPassed(BagValidator.ValidateAsync(new BlobBagSource(store, "p/bag")).GetAwaiter().GetResult());
        }));
    }

    [Fact]
    public async Task Any_single_byte_change_in_any_payload_file_fails_fixity_naming_that_file()
    {
        var store = new InMemoryBlobStore();
        await WriteAsync(new BlobBagTarget(store, "bag"), SamplePayload());
        var keys = store.Objects.Keys.Where(k => k.StartsWith("bag/data/", StringComparison.Ordinal)).ToArray();
        var changes =
            from key in Gen.Elements(keys)
            from index in Gen.Choose(0, store.Objects[key].Length - 1)
            from mask in Gen.Choose(1, 255)
            select (Key: key, Index: index, Mask: (byte)mask);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(changes.ToArbitrary(), change =>
        {
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
        }));
    }

    [Fact]
    public void Manifest_path_encoding_round_trips_and_leaves_only_percent_CR_LF_encoded()
    {
        Prop.ForAll(Segment.ToArbitrary(), s =>
        {
            var encoded = BagPaths.Encode(s);
            return BagPaths.Decode(encoded) == s && !encoded.Contains('\n', StringComparison.Ordinal) && !encoded.Contains('\r', StringComparison.Ordinal)
                && encoded.Replace("%25", "", StringComparison.Ordinal).Replace("%0A", "", StringComparison.Ordinal).Replace("%0D", "", StringComparison.Ordinal).Count(c => c == '%') == 0;
        }).QuickCheckThrowOnFailure();
    }
}
