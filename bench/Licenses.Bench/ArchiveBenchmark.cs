using System.Diagnostics;
using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using ElectronicLicense.Licenses;
using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Archiving.BagIt;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Bench;

/// <summary>
/// Electronic archives: N generated 营业执照 through 归集, then their packages made one by one ("archive at issue"), then
/// <see cref="ArchiveService.ExportAsync"/> of all of them to a fresh folder and to an S3-protocol server (s3rver), each compared
/// with GNU tar writing the same files, then 四性检测 (<see cref="ArchiveService.InspectOfflineAsync"/>) of every exported bag.
/// </summary>
internal static class ArchiveBenchmark
{
    private const string Archivist = "11500000MB15040166";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = 2_000;
        var s3 = Environment.GetEnvironmentVariable("ELIC_BENCH_S3");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--count" when BenchSupport.Positive(args, i + 1, out var n):
                    count = n;
                    i++;
                    break;
                case "--s3" when i + 1 < args.Length:
                    s3 = args[++i];
                    break;
                default:
                    Console.Error.WriteLine("usage: Licenses.Bench archive [--count N] [--s3 <s3rver url>]   (ELIC_BENCH_S3 when --s3 is not given)");
                    return 2;
            }
        }

        var output = Console.Out;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"elic archive benchmark: {count:N0} × 营业执照, BagIt packages (SHA-256 + SM3), SQLite"));
        output.WriteLine(BenchSupport.Machine());
        var root = Directory.CreateTempSubdirectory("elic-bench-archive-");
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:DataDirectory"] = Path.Combine(root.FullName, "registry"),
                ["Archives:RunWorker"] = "false",
            }).Build();
            await using var services = new ServiceCollection().AddLicenseRegistry(configuration).BuildServiceProvider();
            await services.GetRequiredService<RegistryInitializer>().InitializeAsync();
            var clock = services.GetRequiredService<TimeProvider>();
            var archives = services.GetRequiredService<ArchiveService>();

            // 归集 (not a target here: see the ofd and pdf modes).
            var issuer = await BenchSupport.ActAsAsync(services, BusinessLicenseGenerator.Issuer, DepartmentRole.Issuer);
            var ids = new List<LicenseId>(count);
            var watch = Stopwatch.StartNew();
            await using (var stream = new BusinessLicenseGenerator(count, clock).Open(out var produced))
            {
                await foreach (var item in services.GetRequiredService<IngestService>().IngestBatchAsync(issuer, stream))
                {
                    if (item.Result.LicenseId is { } id)
                    {
                        ids.Add(id);
                    }
                }

                await produced;
            }

            output.WriteLine(Line($"归集: {ids.Count:N0} licenses stored in {watch.Elapsed.TotalSeconds:0.0} s (OFD + PDF each; not measured here)"));

            watch.Restart();
            long archivedBytes = 0;
            foreach (var id in ids)
            {
                archivedBytes += (await archives.ArchiveAsync(id)).Bytes;
            }

            var archiving = watch.Elapsed.TotalSeconds;
            output.WriteLine(Line($"archive at issue (build + verify documents + audit proofs + store + read back + record), 1 thread: {ids.Count / archiving:0.0} packages/s, {Mb(archivedBytes) / archiving:0.0} MB/s payload"));

            var archivist = await BenchSupport.ActAsAsync(services, Archivist, DepartmentRole.Archivist);
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var selection = ArchiveSelection.ForType(LicenseTypeCode.Parse(BusinessLicenseGenerator.TypeCode), today.AddYears(-6), today);

            // The machine's other work makes single runs vary by 2×: the folder export and tar each run three times (export to a
            // fresh folder each time, tar over the first), and the medians are compared.
            var folder = Path.Combine(root.FullName, "export");
            var (_, folderBytes, folderFailed) = await ExportAsync(archives, archivist, selection, bag => new DirectoryBagTarget(Path.Combine(folder, bag)));
            var exportRuns = new List<double>();
            for (var run = 0; run < Repeats; run++)
            {
                var again = Path.Combine(root.FullName, $"export-{run}");
                exportRuns.Add((await ExportAsync(archives, archivist, selection, bag => new DirectoryBagTarget(Path.Combine(again, bag)))).Seconds);
                Directory.Delete(again, recursive: true);
            }

            var tarRuns = Enumerable.Range(0, Repeats).Select(_ => Tar(folder, Path.Combine(root.FullName, "export.tar"))).ToList();
            var untarRuns = Enumerable.Range(0, Repeats).Select(run => Untar(Path.Combine(root.FullName, "export.tar"), Path.Combine(root.FullName, $"untar-{run}"))).ToList();
            var folderSeconds = Median(exportRuns);
            var tarSeconds = Median(tarRuns);
            var untarSeconds = Median(untarRuns);

            // Where the time goes: the same export into a target that reads and discards (lookup, store reads, audit events only).
            var (discardSeconds, _, _) = await ExportAsync(archives, archivist, selection, _ => new DiscardingTarget());
            output.WriteLine();
            output.WriteLine(Line($"export of {ids.Count:N0} packages ({Mb(folderBytes):0.0} MB, {folderFailed} failed):"));
            output.WriteLine(Line($"  folder store → folder: {ids.Count / folderSeconds,8:0.0} packages/s {Mb(folderBytes) / folderSeconds,7:0.0} MB/s  {100 * tarSeconds / folderSeconds,5:0}% of tar (target ≥ 50%; median of {Repeats}, {ids.Count / exportRuns.Max():0}–{ids.Count / exportRuns.Min():0} packages/s)"));
            output.WriteLine(Line($"  tar -cf of the exported folder: {ids.Count / tarSeconds,8:0.0} packages/s {Mb(folderBytes) / tarSeconds,7:0.0} MB/s  (baseline; median of {Repeats}, {ids.Count / tarRuns.Max():0}–{ids.Count / tarRuns.Min():0} packages/s)"));
            output.WriteLine(Line($"  tar -xf into a fresh folder (the same files written): {ids.Count / untarSeconds,8:0.0} packages/s {Mb(folderBytes) / untarSeconds,7:0.0} MB/s; the export is {100 * untarSeconds / folderSeconds:0}% of it (median of {Repeats}, {ids.Count / untarRuns.Max():0}–{ids.Count / untarRuns.Min():0} packages/s)"));
            output.WriteLine(Line($"  folder store → discarded:   {ids.Count / discardSeconds,8:0.0} packages/s {Mb(folderBytes) / discardSeconds,7:0.0} MB/s  (registry side alone: lookup, reads, one audit event per package)"));
            var (lookupSeconds, readSeconds) = await RegistrySideAsync(archives, ids);
            output.WriteLine(Line($"    its parts, timed one package at a time: package lookup {1000 * lookupSeconds / ids.Count:0.00} ms, reading its files {1000 * readSeconds / ids.Count:0.00} ms per package"));

            if (string.IsNullOrWhiteSpace(s3))
            {
                output.WriteLine("  s3rver: skipped (bench/run.sh archive starts one; or set ELIC_BENCH_S3)");
            }
            else
            {
                var bucket = "elic-bench-" + Guid.NewGuid().ToString("N")[..12];
                using (var client = new AmazonS3Client("S3RVER", "S3RVER", new AmazonS3Config { ServiceURL = s3, ForcePathStyle = true, AuthenticationRegion = "us-east-1" }))
                {
                    await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
                }

                var store = BlobStores.CreateS3(new S3BucketOptions { ServiceUrl = s3, Bucket = bucket, Prefix = "export", AccessKey = "S3RVER", SecretKey = "S3RVER" });
                try
                {
                    var (s3Seconds, s3Bytes, s3Failed) = await ExportAsync(archives, archivist, selection, bag => new BlobBagTarget(store, bag));
                    output.WriteLine(Line($"  folder store → s3rver: {ids.Count / s3Seconds,8:0.0} packages/s {Mb(s3Bytes) / s3Seconds,7:0.0} MB/s  {100 * tarSeconds / s3Seconds,5:0}% of tar (target ≥ 50%; {s3Failed} failed; every object read back)"));
                }
                finally
                {
                    (store as IDisposable)?.Dispose();
                }
            }

            // 四性检测 of every exported bag, offline, as `elic archive validate` runs it.
            var bags = Directory.GetDirectories(folder).Order(StringComparer.Ordinal).ToList();
            var invalid = 0;
            watch.Restart();
            foreach (var bag in bags)
            {
                if (!(await ArchiveService.InspectOfflineAsync(new DirectoryBagSource(bag), null, clock)).Valid)
                {
                    invalid++;
                }
            }

            var validating = watch.Elapsed.TotalSeconds;
            output.WriteLine();
            output.WriteLine(Line($"validation (四性检测, offline, 1 thread): {bags.Count / validating:0.0} packages/s (target ≥ 100), {invalid} invalid of {bags.Count}"));

            // Where validation's time goes: the BagIt checks (every file hashed with SHA-256 and SM3) and the content checks alone.
            watch.Restart();
            foreach (var bag in bags)
            {
                await BagValidator.ValidateAsync(new DirectoryBagSource(bag));
            }

            var bagIt = watch.Elapsed.TotalSeconds;
            var inspector = new ArchiveContentInspector(clock);
            watch.Restart();
            foreach (var bag in bags)
            {
                await inspector.InspectAsync(new DirectoryBagSource(bag));
            }

            var content = watch.Elapsed.TotalSeconds;
            output.WriteLine(Line($"  of which: BagIt checks {1000 * bagIt / bags.Count:0.00} ms, content checks (signatures, metadata, audit proofs…) {1000 * content / bags.Count:0.00} ms per package"));

            // As `elic archive validate` runs a folder of bags: one bag per core at a time.
            watch.Restart();
            await Parallel.ForEachAsync(bags, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                async (bag, token) => await ArchiveService.InspectOfflineAsync(new DirectoryBagSource(bag), null, clock, token));
            var parallel = watch.Elapsed.TotalSeconds;
            output.WriteLine(Line($"validation, {Environment.ProcessorCount} at a time: {bags.Count / parallel:0.0} packages/s"));
            output.WriteLine(BenchSupport.LoadAverage() + " at the end");
            return folderFailed == 0 && invalid == 0 ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            root.Delete(recursive: true);
        }
    }

    private static async Task<(double Seconds, long Bytes, int Failed)> ExportAsync(
        ArchiveService archives, DepartmentIdentity archivist, ArchiveSelection selection, Func<string, IBagTarget> targets)
    {
        var watch = Stopwatch.StartNew();
        long bytes = 0;
        var failed = 0;
        await foreach (var item in archives.ExportAsync(archivist, selection, targets, "bench"))
        {
            bytes += item.Bytes;
            failed += item.Error is null ? 0 : 1;
        }

        return (watch.Elapsed.TotalSeconds, bytes, failed);
    }

    /// <summary>The two parts of an export's registry side that can be timed alone: finding each package, and reading its files.</summary>
    private static async Task<(double Lookup, double Read)> RegistrySideAsync(ArchiveService archives, IReadOnlyList<LicenseId> ids)
    {
        var watch = Stopwatch.StartNew();
        var packages = new List<ArchivedPackage>(ids.Count);
        foreach (var id in ids)
        {
            packages.Add(await archives.FindAsync(id) ?? throw new InvalidOperationException($"{id} is not archived."));
        }

        var lookup = watch.Elapsed.TotalSeconds;
        watch.Restart();
        foreach (var package in packages)
        {
            var source = archives.Open(package);
            await foreach (var file in source.ListFilesAsync())
            {
                await using var content = await source.OpenAsync(file.RelativePath) ?? throw new InvalidOperationException("lost " + file.RelativePath);
                await content.CopyToAsync(Stream.Null);
            }
        }

        return (lookup, watch.Elapsed.TotalSeconds);
    }

    /// <summary>GNU tar writing the same files (the baseline), after one untimed run so both read from the page cache.</summary>
    private static double Tar(string folder, string archive)
    {
        RunTar("-cf", archive, "-C", folder, ".");
        var watch = Stopwatch.StartNew();
        RunTar("-cf", archive, "-C", folder, ".");
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>GNU tar extracting the archive into a fresh folder: the same files and folders an export to a folder creates.</summary>
    private static double Untar(string archive, string folder)
    {
        Directory.CreateDirectory(folder);
        var watch = Stopwatch.StartNew();
        RunTar("-xf", archive, "-C", folder);
        var seconds = watch.Elapsed.TotalSeconds;
        Directory.Delete(folder, recursive: true);
        return seconds;
    }

    private static void RunTar(params string[] arguments)
    {
        using var tar = Process.Start(new ProcessStartInfo("tar", arguments) { RedirectStandardError = true })
            ?? throw new InvalidOperationException("tar did not start");
        tar.WaitForExit();
        if (tar.ExitCode != 0)
        {
            throw new InvalidOperationException("tar failed: " + tar.StandardError.ReadToEnd());
        }
    }

    /// <summary>Reads every file to the end and keeps nothing.</summary>
    private sealed class DiscardingTarget : IBagTarget
    {
        public string Location => "discarded";

        public Task WriteAsync(string relativePath, Stream content, CancellationToken cancellationToken = default) =>
            content.CopyToAsync(Stream.Null, cancellationToken);
    }

    private const int Repeats = 3;

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static double Mb(long bytes) => bytes / 1048576.0;

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
