using System.Diagnostics;
using System.Globalization;
using ElectronicLicense.Licenses;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Issuance;
using ElectronicLicense.Licenses.Issuance.Pdf;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Licenses.Storage;
using ElectronicLicense.Seals.Pdf;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Verification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Bench;

/// <summary>
/// PDF issuance and verification throughput for 医疗机构死亡证明 (3 parties): render + 3 <see cref="PdfSigner.Sign"/> + store,
/// <see cref="PdfVerifier"/> on the produced files, and poppler's <c>pdfsig</c> (one process per file) beside it.
/// </summary>
internal static class PdfBenchmark
{
    public const double IssuanceTarget = 60;
    public const double VerificationTarget = 200;

    public static async Task<int> RunAsync(string[] args)
    {
        var count = 500;
        var seed = 200;
        var pdfsigFiles = 100;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--count" when BenchSupport.Positive(args, ++i, out var n):
                    count = n;
                    break;
                case "--seed" when BenchSupport.Positive(args, ++i, out var n):
                    seed = n;
                    break;
                case "--pdfsig" when BenchSupport.Positive(args, ++i, out var n):
                    pdfsigFiles = n;
                    break;
                default:
                    Console.Error.WriteLine("usage: Licenses.Bench pdf [--count N (500, PDFs issued per thread setting)] [--seed S (200, licenses pushed through 归集 first)] [--pdfsig M (100)]");
                    return 2;
            }
        }

        var output = Console.Out;
        var threads = Environment.ProcessorCount;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"elic PDF benchmark: 医疗机构死亡证明 {DeathCertificateGenerator.TypeCode}, signed by 卫健委 {DeathCertificateGenerator.Issuer}, 公安局 {DeathCertificateGenerator.Police}, 民政局 {DeathCertificateGenerator.CivilAffairs} (ECDSA P-256)"));
        output.WriteLine(BenchSupport.Machine());
        output.WriteLine();

        var root = Directory.CreateTempSubdirectory("elic-bench-pdf-");
        var rows = new List<Row>();
        var failures = 0;
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:DataDirectory"] = root.FullName,
            }).Build();
            await using var services = new ServiceCollection().AddLicenseRegistry(configuration).BuildServiceProvider();

            var started = Stopwatch.StartNew();
            var startup = await services.GetRequiredService<RegistryInitializer>().InitializeAsync();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"first start: {started.Elapsed.TotalSeconds:0.0} s (schema, demo departments, registry CA, seal maker, {startup.SealsMade} demo seals)"));

            var caller = await BenchSupport.ActAsAsync(services, DeathCertificateGenerator.Issuer, DepartmentRole.Issuer);
            var ingest = services.GetRequiredService<IngestService>();
            var clock = services.GetRequiredService<TimeProvider>();
            var today = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

            // Seed licenses through 归集 (OFD + PDF each): the data the PDF issuance below renders; also the warm-up.
            var seeding = Stopwatch.StartNew();
            var created = 0;
            string? firstRejection = null;
            await using (var stream = DeathCertificateGenerator.Ndjson("BENCH-P", 0, seed, today))
            {
                await foreach (var item in ingest.IngestBatchAsync(caller, stream))
                {
                    if (item.Result.Outcome == IngestOutcome.Created)
                    {
                        created++;
                    }
                    else
                    {
                        firstRejection ??= $"line {item.Line}: {item.Result.Outcome} {item.Result.Error?.Message}";
                    }
                }
            }

            seeding.Stop();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seed + warm-up: {created} licenses through 归集 (validate + OFD and PDF, 3 seals each + store) in {seeding.Elapsed.TotalSeconds:0.0} s = {created / seeding.Elapsed.TotalSeconds:0} licenses/s (includes JIT)"));
            if (firstRejection is not null || created == 0)
            {
                output.WriteLine("    first rejection: " + firstRejection);
                return 1;
            }

            output.WriteLine();

            var catalog = services.GetRequiredService<LicenseCatalog>();
            catalog.TryGet(LicenseTypeCode.Parse(DeathCertificateGenerator.TypeCode), out var type);
            var directory = (await services.GetRequiredService<DepartmentDirectory>().ListAsync()).ToDictionary(d => d.Code);
            var contexts = services.GetRequiredService<IDbContextFactory<RegistryDbContext>>();
            List<(LicenseId Id, string DataJson)> stored;
            await using (var db = await contexts.CreateDbContextAsync())
            {
                stored = (await db.LicenseVersions.AsNoTracking()
                        .Where(v => v.PushedBy == DeathCertificateGenerator.Issuer)
                        .Select(v => new { v.LicenseId, v.DataJson })
                        .ToListAsync())
                    .Select(v => (v.LicenseId, v.DataJson)).ToList();
            }

            var issuer = new PdfIssuer(
                services.GetRequiredService<LicensePdfRenderer>(),
                services.GetRequiredService<SealRegistry>(),
                services.GetRequiredService<LicenseDocumentIssuer>(),
                services.GetRequiredService<IObjectStore>());
            var at = clock.GetUtcNow();
            var work = Enumerable.Range(0, count).Select(i => stored[i % stored.Count]).ToList();

            // (a) PDF issuance alone.
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"(a) PDF issuance alone: seal look-up + LicensePdfRenderer.Render + 3 × PdfSigner.Sign (LicenseDocumentIssuer's parameters) + object store, {count} licenses"));
            foreach (var (id, dataJson) in work.Take(50))
            {
                _ = await issuer.IssueAsync(type!, caller.Department, directory, id, dataJson, at, CancellationToken.None); // warm-up, not measured
            }

            var files = new byte[count][];
            foreach (var parallelism in new[] { 1, threads })
            {
                var watch = Stopwatch.StartNew();
                await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, token) =>
                    files[i] = await issuer.IssueAsync(type!, caller.Department, directory, work[i].Id, work[i].DataJson, at, token));
                var rate = count / watch.Elapsed.TotalSeconds;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {parallelism} thread{(parallelism == 1 ? " " : "s")}: {rate,7:0} licenses/s ({watch.Elapsed.TotalMilliseconds / count * parallelism:0.0} ms per license per thread)"));
                rows.Add(new Row($"PDF issuance, {parallelism} thread{(parallelism == 1 ? string.Empty : "s")} (render + 3 signatures + store)", rate, "licenses/s", IssuanceTarget));
            }

            var profile = issuer.Profile(type!, caller.Department, directory, work.Take(Math.Min(count, 100)).ToList(), at);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    where the time goes, 1 thread: render {profile.Render:0.00} ms, 3 signatures {profile.Sign:0.00} ms ({profile.Sign / 3:0.00} each), store {profile.Store:0.00} ms per license"));
            output.WriteLine();

            // (b) PdfVerifier on the files (a) produced.
            var keys = services.GetRequiredService<RegistryKeys>();
            var verification = new PdfVerificationOptions { Signers = keys.SignerValidator(), Clock = clock };
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"(b) verification: PdfVerifier.Verify with the registry CA as trust anchor (and its CRL); {files.Length} files from (a), {files.Average(f => f.Length) / 1024:0} KiB on average"));
            var first = PdfVerifier.Verify(files[0], verification); // JIT
            if (first.Indication != Indication.TotalPassed)
            {
                output.WriteLine($"    first file: {first.Indication} {first.SubIndication}");
            }

            foreach (var parallelism in new[] { 1, threads })
            {
                var passed = 0;
                var watch = Stopwatch.StartNew();
                Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, file =>
                {
                    var report = PdfVerifier.Verify(file, verification);
                    if (report.Indication == Indication.TotalPassed && report.Signatures.Count == 3)
                    {
                        Interlocked.Increment(ref passed);
                    }
                });
                var rate = files.Length / watch.Elapsed.TotalSeconds;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {parallelism} thread{(parallelism == 1 ? " " : "s")}: {rate,7:0} files/s ({watch.Elapsed.TotalMilliseconds / files.Length * parallelism:0.00} ms per file per thread), {passed}/{files.Length} TOTAL-PASSED with 3 signatures"));
                failures += files.Length - passed;
                rows.Add(new Row($"PDF verification, PdfVerifier, {parallelism} thread{(parallelism == 1 ? string.Empty : "s")} (3 signatures per file)", rate, "files/s", VerificationTarget));
            }

            output.WriteLine();

            // (c) poppler's pdfsig, one process per file.
            var sample = files.Take(pdfsigFiles).ToList();
            var folder = Directory.CreateDirectory(Path.Combine(root.FullName, "pdfsig"));
            var paths = sample.Select((bytes, i) =>
            {
                var path = Path.Combine(folder.FullName, string.Create(CultureInfo.InvariantCulture, $"{i:D5}.pdf"));
                File.WriteAllBytes(path, bytes);
                return path;
            }).ToList();
            var version = PdfsigVersion();
            if (version is null)
            {
                output.WriteLine("(c) pdfsig: not available");
            }
            else
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"(c) pdfsig -nocert ({version}), one process per file (start + parse + verify), {paths.Count} files from (a)"));
                var (_, firstOutput) = Pdfsig(paths[0]);
                var validLines = firstOutput.Split('\n').Count(l => l.Contains("Signature Validation: Signature is Valid.", StringComparison.Ordinal));
                output.WriteLine($"    first file: {validLines} of its signatures reported \"Signature is Valid.\"");
                foreach (var parallelism in new[] { 1, threads })
                {
                    var valid = 0;
                    var watch = Stopwatch.StartNew();
                    Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, path =>
                    {
                        var (exit, text) = Pdfsig(path);
                        if (exit == 0 && text.Split('\n').Count(l => l.Contains("Signature is Valid.", StringComparison.Ordinal)) == 3)
                        {
                            Interlocked.Increment(ref valid);
                        }
                    });
                    var rate = paths.Count / watch.Elapsed.TotalSeconds;
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    {parallelism} process{(parallelism == 1 ? " at a time  " : "es at a time")}: {rate,7:0} files/s ({watch.Elapsed.TotalMilliseconds / paths.Count * parallelism:0.0} ms per file per process), {valid}/{paths.Count} with 3 valid signatures"));
                    rows.Add(new Row($"pdfsig -nocert, {parallelism} process{(parallelism == 1 ? string.Empty : "es")} at a time (whole process per file)", rate, "files/s", null));
                }
            }

            output.WriteLine();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            root.Delete(recursive: true);
        }

        output.WriteLine($"summary (targets from the issue; pdfsig is for comparison, no target); {BenchSupport.LoadAverage()}");
        output.WriteLine($"  {"measure",-78} {"rate",10}  {"target",8}  verdict");
        foreach (var row in rows)
        {
            var verdict = row.Target is { } target ? (row.Rate >= target ? "met" : "NOT met") : string.Empty;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {row.Measure,-78} {row.Rate,10:0} {row.Unit,-10} {(row.Target is { } t ? t.ToString("0", CultureInfo.InvariantCulture) : "—"),6}  {verdict}"));
        }

        return failures == 0 ? 0 : 1;
    }



    private static string? PdfsigVersion()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pdfsig", "-v") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return text.Split('\n').FirstOrDefault()?.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static (int Exit, string Output) Pdfsig(string path)
    {
        var start = new ProcessStartInfo("pdfsig") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-nocert");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        _ = stderr.Result;
        process.WaitForExit();
        return (process.ExitCode, stdout);
    }

    private sealed record Row(string Measure, double Rate, string Unit, double? Target);

    /// <summary>
    /// The PDF half of <c>LicenseDocumentIssuer.IssueAsync</c>: the same seal look-up and render request, its <c>SealPdf</c>, and
    /// the object store put with SM3, without the OFD; split into steps so each can be timed.
    /// </summary>
    private sealed class PdfIssuer(LicensePdfRenderer renderer, SealRegistry seals, LicenseDocumentIssuer documents, IObjectStore objects)
    {
        public async Task<byte[]> IssueAsync(
            LicenseType type,
            Department issuer,
            IReadOnlyDictionary<UnifiedSocialCreditCode, Department> departments,
            LicenseId id,
            string dataJson,
            DateTimeOffset at,
            CancellationToken cancellationToken)
        {
            var (plan, sealsInOrder) = await PlanAsync(type, issuer, departments, cancellationToken);
            var bytes = Sign(Render(type, id, dataJson, at), plan, sealsInOrder, at);
            await objects.PutAsync(bytes, cancellationToken);
            _ = Convert.ToHexStringLower(Sm3.Hash(bytes));
            return bytes;
        }

        /// <summary>Milliseconds per license for render, the three signatures and the store, one thread.</summary>
        public (double Render, double Sign, double Store) Profile(
            LicenseType type,
            Department issuer,
            IReadOnlyDictionary<UnifiedSocialCreditCode, Department> departments,
            IReadOnlyList<(LicenseId Id, string DataJson)> items,
            DateTimeOffset at)
        {
            var (plan, sealsInOrder) = PlanAsync(type, issuer, departments, CancellationToken.None).GetAwaiter().GetResult();
            long render = 0, sign = 0, store = 0;
            foreach (var (id, dataJson) in items)
            {
                var t0 = Stopwatch.GetTimestamp();
                var rendered = Render(type, id, dataJson, at);
                var t1 = Stopwatch.GetTimestamp();
                var bytes = Sign(rendered, plan, sealsInOrder, at);
                var t2 = Stopwatch.GetTimestamp();
                objects.PutAsync(bytes).GetAwaiter().GetResult();
                _ = Sm3.Hash(bytes);
                var t3 = Stopwatch.GetTimestamp();
                render += t1 - t0;
                sign += t2 - t1;
                store += t3 - t2;
            }

            double Ms(long ticks) => Stopwatch.GetElapsedTime(0, ticks).TotalMilliseconds / items.Count;
            return (Ms(render), Ms(sign), Ms(store));
        }

        private async Task<(IReadOnlyList<PlannedSignature> Plan, List<Seals.Ses.SesSeal> Seals)> PlanAsync(
            LicenseType type, Department issuer, IReadOnlyDictionary<UnifiedSocialCreditCode, Department> departments, CancellationToken cancellationToken)
        {
            var plan = SignerPlan.For(type, issuer, departments);
            var sealsInOrder = new List<Seals.Ses.SesSeal>(plan.Count);
            foreach (var signature in plan)
            {
                sealsInOrder.Add(await seals.ActiveSealAsync(signature.Department, signature.SealKind, makeDemoSeal: false, cancellationToken));
            }

            return (plan, sealsInOrder);
        }

        private RenderedPdf Render(LicenseType type, LicenseId id, string dataJson, DateTimeOffset at)
        {
            using var data = System.Text.Json.JsonDocument.Parse(dataJson);
            return renderer.Render(new LicenseRenderRequest
            {
                Type = type,
                LicenseId = id,
                Data = data.RootElement,
                IssuedAt = at,
                VerificationPayload = LicenseDocumentIssuer.VerificationPayload(id),
            });
        }

        // The issuer's own signing step, so the benchmark measures exactly what 归集 runs.
        private byte[] Sign(RenderedPdf rendered, IReadOnlyList<PlannedSignature> plan, List<Seals.Ses.SesSeal> sealsInOrder, DateTimeOffset at) =>
            documents.SealPdf(rendered, plan, sealsInOrder, at);
    }
}
