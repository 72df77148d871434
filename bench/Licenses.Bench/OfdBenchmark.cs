using System.Diagnostics;
using System.Formats.Asn1;
using System.Globalization;
using ElectronicLicense.Licenses;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Issuance;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Licenses.Storage;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses;
using ElectronicLicense.Seals.Verification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Bench;

/// <summary>
/// OFD issuance and verification throughput: 归集 of 医疗机构死亡证明 end to end (rows committed, then OFD and PDF rendered,
/// sealed by 3 parties and attached by the issuance worker), the issuer alone, <see cref="OfdVerifier"/> on the issued files, and the raw SM2 rates as the limit.
/// </summary>
internal static class OfdBenchmark
{
    public const double IssuanceTarget = 200;
    public const double VerificationTarget = 500;

    /// <summary>归集 end to end with both documents sealed by three parties.</summary>
    public const double IngestTarget = 120;

    public static async Task<int> RunAsync(string[] args)
    {
        var count = 2_000;
        var batch = 500;
        var isolated = 300;
        var verify = 500;
        var seconds = 2.0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--count" when BenchSupport.Positive(args, ++i, out var n):
                    count = n;
                    break;
                case "--batch" when BenchSupport.Positive(args, ++i, out var n):
                    batch = n;
                    break;
                case "--isolated" when BenchSupport.Positive(args, ++i, out var n):
                    isolated = n;
                    break;
                case "--verify" when BenchSupport.Positive(args, ++i, out var n):
                    verify = n;
                    break;
                case "--seconds" when BenchSupport.Positive(args, ++i, out var n):
                    seconds = n;
                    break;
                default:
                    Console.Error.WriteLine("usage: Licenses.Bench ofd [--count N (2000)] [--batch B (500)] [--isolated M (300)] [--verify V (500)] [--seconds S (2, per raw SM2 rate)]");
                    return 2;
            }
        }

        var output = Console.Out;
        var threads = Environment.ProcessorCount;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"elic OFD benchmark: 医疗机构死亡证明 {DeathCertificateGenerator.TypeCode}, sealed by 卫健委 {DeathCertificateGenerator.Issuer}, 公安局 {DeathCertificateGenerator.Police}, 民政局 {DeathCertificateGenerator.CivilAffairs}"));
        output.WriteLine(BenchSupport.Machine());
        output.WriteLine();

        var root = Directory.CreateTempSubdirectory("elic-bench-ofd-");
        var rows = new List<Row>();
        var failures = 0;
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:DataDirectory"] = root.FullName,
                ["Ingest:BatchChunkSize"] = batch.ToString(CultureInfo.InvariantCulture),
            }).Build();
            var timing = new DbTiming();
            await using var services = new ServiceCollection()
                .AddLicenseRegistry(configuration)
                .ConfigureDbContext<RegistryDbContext>(options => options.AddInterceptors(timing.SaveAndCommitInterceptors))
                .BuildServiceProvider();

            var started = Stopwatch.StartNew();
            var startup = await services.GetRequiredService<RegistryInitializer>().InitializeAsync();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"first start: {started.Elapsed.TotalSeconds:0.0} s (schema, demo departments, registry CA, seal maker, {startup.SealsMade} demo seals with their department keys)"));

            var caller = await BenchSupport.ActAsAsync(services, DeathCertificateGenerator.Issuer, DepartmentRole.Issuer);
            var ingest = services.GetRequiredService<IngestService>();
            var issuance = services.GetRequiredService<DocumentIssuance>();
            var clock = services.GetRequiredService<TimeProvider>();
            var today = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

            // Warm-up: JIT up to tier 1, EF model, the font, the keys' first load.
            var warmUp = Stopwatch.StartNew();
            var (warmCreated, _) = await PushAsync(ingest, issuance, caller, "BENCH-W", 0, Math.Min(200, count), Math.Min(200, batch), today);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up: {warmCreated} licenses through 归集 in {warmUp.Elapsed.TotalSeconds:0.0} s (not measured)"));
            output.WriteLine();

            // (a) 归集 end to end.
            timing.Reset();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(a) 归集 end to end: {count:N0} licenses, NDJSON batches of {batch} through IngestService.IngestBatchAsync into SQLite, until the worker (DocumentIssuance) has attached every OFD and PDF"));
            var stopwatch = Stopwatch.StartNew();
            var (created, firstRejection) = await PushAsync(ingest, issuance, caller, "BENCH-E", 0, count, batch, today);
            stopwatch.Stop();
            var endToEnd = created / stopwatch.Elapsed.TotalSeconds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {created:N0} created in {stopwatch.Elapsed.TotalSeconds:0.0} s = {endToEnd:0} licenses/s; SaveChanges {DbTiming.Time(timing.SaveTicks).TotalSeconds:0.0} s, commits {DbTiming.Time(timing.CommitTicks).TotalSeconds:0.00} s"));
            if (firstRejection is not null)
            {
                failures++;
                output.WriteLine("    first rejection: " + firstRejection);
            }

            rows.Add(new Row("归集 end to end (validate + store rows + render OFD and PDF + 3 seals each + attach)", endToEnd, "licenses/s", IngestTarget));
            output.WriteLine();

            // (b) The issuer alone, on the data the ingest stored.
            var catalog = services.GetRequiredService<LicenseCatalog>();
            catalog.TryGet(LicenseTypeCode.Parse(DeathCertificateGenerator.TypeCode), out var type);
            var directory = (await services.GetRequiredService<DepartmentDirectory>().ListAsync()).ToDictionary(d => d.Code);
            var contexts = services.GetRequiredService<IDbContextFactory<RegistryDbContext>>();
            List<(LicenseId Id, string DataJson, string Sha256)> stored;
            Dictionary<LicenseId, string> payloads;
            await using (var db = await contexts.CreateDbContextAsync())
            {
                var rowsRead = await db.LicenseVersions.AsNoTracking()
                    .Where(v => v.PushedBy == DeathCertificateGenerator.Issuer)
                    .OrderByDescending(v => v.Id)
                    .Select(v => new
                    {
                        v.LicenseId,
                        v.DataJson,
                        Sha256 = v.Documents.Select(d => d.Sha256).FirstOrDefault(),
                        Payload = db.StatusListEntries.Where(e => e.LicenseVersionRecordId == v.Id).Select(e => e.OfflinePayload).FirstOrDefault(),
                    })
                    .Take(Math.Max(isolated, verify))
                    .ToListAsync();
                stored = rowsRead.Select(v => (v.LicenseId, v.DataJson, v.Sha256 ?? string.Empty)).ToList();
                payloads = rowsRead.Where(v => v.Payload is not null).ToDictionary(v => v.LicenseId, v => v.Payload!);
            }

            var issuer = services.GetRequiredService<LicenseDocumentIssuer>();
            var at = clock.GetUtcNow();
            var work = Enumerable.Range(0, isolated).Select(i => stored[i % stored.Count]).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"(b) issuance alone: LicenseDocumentIssuer.IssueOfdAsync (seal look-up + render + 3 seals + object store), {isolated} licenses"));
            foreach (var parallelism in new[] { 1, threads })
            {
                var watch = Stopwatch.StartNew();
                await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (item, token) =>
                    await issuer.IssueOfdAsync(type!, caller.Department, directory, item.Id, item.DataJson, at, token));
                var rate = isolated / watch.Elapsed.TotalSeconds;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {parallelism} thread{(parallelism == 1 ? " " : "s")}: {rate,7:0} licenses/s ({watch.Elapsed.TotalMilliseconds / isolated * parallelism:0.0} ms per license per thread)"));
                rows.Add(new Row($"OFD issuance alone, {parallelism} thread{(parallelism == 1 ? string.Empty : "s")} (render + 3 seals + store)", rate, "licenses/s", IssuanceTarget));
            }

            // What 归集 end to end is held against: both documents, as the registry issues them, on every core.
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"(b') issuance alone, both documents: LicenseDocumentIssuer.IssueAsync (seal look-up + render OFD and PDF + 3 seals each + object store), {isolated} licenses, each QR code carrying the signed ELIC1 payload the registry stored for it, as 归集 issues them"));
            var bothRate = 0.0;
            foreach (var parallelism in new[] { 1, threads })
            {
                var watch = Stopwatch.StartNew();
                await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (item, token) =>
                    await issuer.IssueAsync(type!, caller.Department, directory, item.Id, item.DataJson, at,
                        payloads.GetValueOrDefault(item.Id) ?? LicenseDocumentIssuer.VerificationPayload(item.Id), token));
                bothRate = isolated / watch.Elapsed.TotalSeconds;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {parallelism} thread{(parallelism == 1 ? " " : "s")}: {bothRate,7:0} licenses/s ({watch.Elapsed.TotalMilliseconds / isolated * parallelism:0.0} ms per license per thread)"));
            }

            rows.Add(new Row($"issuance alone, OFD + PDF, {threads} threads", bothRate, "licenses/s", null));
            rows.Add(new Row("归集 end to end as a share of issuance alone (OFD + PDF)", 100 * endToEnd / bothRate, "%", 85));
            output.WriteLine();

            var profile = await IssuanceProfile.RunAsync(services, type!, caller.Department, directory, work.Take(Math.Min(isolated, 150)).ToList(), at);
            profile.Write(output);
            output.Write("    what-if, the same steps with each department's key loaded once (a key cache in RegistryKeys):");
            foreach (var parallelism in new[] { 1, threads })
            {
                var rate = await IssuanceProfile.CachedKeysRateAsync(services, type!, caller.Department, directory, work, at, parallelism);
                output.Write(string.Create(CultureInfo.InvariantCulture, $"  {parallelism} thread{(parallelism == 1 ? string.Empty : "s")} {rate:0}/s"));
            }

            output.WriteLine();
            output.WriteLine();

            // (c) Verification of the files 归集 issued, with the registry's trust anchors and seal revocations.
            var objects = services.GetRequiredService<IObjectStore>();
            var files = new List<byte[]>();
            foreach (var (_, _, sha256) in stored.Take(verify))
            {
                await using var stream = await objects.OpenReadAsync(sha256) ?? throw new InvalidOperationException($"Issued file {sha256} is missing from the object store.");
                using var memory = new MemoryStream();
                await stream.CopyToAsync(memory);
                files.Add(memory.ToArray());
            }

            var keys = services.GetRequiredService<RegistryKeys>();
            var verification = new OfdVerificationOptions
            {
                Signers = keys.SignerValidator(),
                SealMakers = keys.SealMakerValidator(),
                SealRevocations = await services.GetRequiredService<SealRegistry>().RevocationsAsync(CancellationToken.None),
                Clock = clock,
            };
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"(c) verification: OfdVerifier.Verify with the registry CA as trust anchor for signers and seal makers, its CRL, the seal revocation list; {files.Count} issued files of {files.Average(f => f.Length) / 1024:0} KiB on average"));
            _ = OfdVerifier.Verify(files[0], verification); // JIT
            foreach (var parallelism in new[] { 1, threads })
            {
                var passed = 0;
                var watch = Stopwatch.StartNew();
                Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, file =>
                {
                    var report = OfdVerifier.Verify(file, verification);
                    if (report.Indication == Indication.TotalPassed && report.Signatures.Count == 3)
                    {
                        Interlocked.Increment(ref passed);
                    }
                });
                var rate = files.Count / watch.Elapsed.TotalSeconds;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {parallelism} thread{(parallelism == 1 ? " " : "s")}: {rate,7:0} files/s ({watch.Elapsed.TotalMilliseconds / files.Count * parallelism:0.0} ms per file per thread), {passed}/{files.Count} TOTAL-PASSED with 3 signatures"));
                failures += files.Count - passed;
                rows.Add(new Row($"OFD verification, {parallelism} thread{(parallelism == 1 ? string.Empty : "s")} (3 signatures per file)", rate, "files/s", VerificationTarget));
            }

            VerificationProfile.Run(files.Take(100).ToList(), verification, output);
            output.WriteLine();

            // (d) The limit: raw SM2 over a real TBS_Sign.
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(d) raw SM2 with SM3 (GM/T 0009 default id), over a real TBS_Sign, {seconds:0.#} s per measurement"));
            var key = keys.ForDepartment(caller.Department);
            var (tbs, signatureValue) = FirstTbsSign(files[0]);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    TBS_Sign is {tbs.Length:N0} bytes (it embeds the seal with its picture)"));
            foreach (var parallelism in new[] { 1, threads })
            {
                var sign = RawRate(parallelism, seconds, () => key.Sign(tbs));
                var signer = OfdVerifierSigner(files[0]);
                var verified = RawRate(parallelism, seconds, () =>
                {
                    if (!SignatureVerifier.Verify(signer, Oids.Sm2WithSm3, tbs, signatureValue))
                    {
                        throw new InvalidOperationException("A real signature does not verify.");
                    }
                });
                var label = $"{parallelism} thread{(parallelism == 1 ? string.Empty : "s")}";
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    BouncyCastle, {label,-9}: sign {sign,7:0}/s   verify {verified,7:0}/s"));
                rows.Add(new Row($"SM2 sign, BouncyCastle (SigningKey.Sign), {label}", sign, "ops/s", null));
                rows.Add(new Row($"SM2 verify, BouncyCastle (SignatureVerifier.Verify), {label}", verified, "ops/s", null));
            }

            foreach (var processes in new[] { 1, threads })
            {
                if (OpenSslSpeed(processes, seconds) is { } speed)
                {
                    var label = $"{processes} process{(processes == 1 ? string.Empty : "es")}";
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    openssl speed sm2, {label,-11}: sign {speed.Sign,7:0}/s   verify {speed.Verify,7:0}/s   ({speed.Version})"));
                    rows.Add(new Row($"SM2 sign, openssl speed, {label}", speed.Sign, "ops/s", null));
                    rows.Add(new Row($"SM2 verify, openssl speed, {label}", speed.Verify, "ops/s", null));
                }
                else
                {
                    output.WriteLine("    openssl speed sm2: not available");
                    break;
                }
            }

            output.WriteLine();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            root.Delete(recursive: true);
        }

        output.WriteLine($"summary (targets from the issue; SM2 rows are the limit, no target); {BenchSupport.LoadAverage()}");
        output.WriteLine($"  {"measure",-78} {"rate",10}  {"target",8}  verdict");
        foreach (var row in rows)
        {
            var verdict = row.Target is { } target ? (row.Rate >= target ? "met" : "NOT met") : string.Empty;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {row.Measure,-78} {row.Rate,10:0} {row.Unit,-10} {(row.Target is { } t ? t.ToString("0", CultureInfo.InvariantCulture) : "—"),6}  {verdict}"));
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>The 1, 5 and 15 minute load averages: the machine is shared, and a busy neighbour halves a 2-core rate.</summary>


    /// <summary>Pushes <paramref name="count"/> licenses in batches while a sealing loop, as the API's worker, attaches their documents; returns when every one has them.</summary>
    private static async Task<(int Created, string? FirstRejection)> PushAsync(
        IngestService ingest, DocumentIssuance issuance, DepartmentIdentity caller, string prefix, int from, int count, int batch, DateOnly today)
    {
        using var pushed = new CancellationTokenSource();
        var sealing = Task.Run(async () =>
        {
            var issued = 0;
            while (true)
            {
                var finished = pushed.IsCancellationRequested;
                var pass = await issuance.IssuePendingAsync();
                issued += pass;
                if (finished)
                {
                    return issued;
                }

                if (pass == 0)
                {
                    await Task.WhenAny(Task.Delay(20, pushed.Token));
                }
            }
        });
        var (created, firstRejection) = await PushRowsAsync(ingest, caller, prefix, from, count, batch, today);
        await pushed.CancelAsync();
        var sealed_ = await sealing;
        if (sealed_ != created)
        {
            firstRejection ??= $"{created} created but {sealed_} sealed";
        }

        return (created, firstRejection);
    }

    private static async Task<(int Created, string? FirstRejection)> PushRowsAsync(
        IngestService ingest, DepartmentIdentity caller, string prefix, int from, int count, int batch, DateOnly today)
    {
        var created = 0;
        string? firstRejection = null;
        for (var start = from; start < from + count; start += batch)
        {
            await using var stream = DeathCertificateGenerator.Ndjson(prefix, start, Math.Min(batch, from + count - start), today);
            await foreach (var item in ingest.IngestBatchAsync(caller, stream))
            {
                if (item.Result.Outcome == IngestOutcome.Created)
                {
                    created++;
                }
                else
                {
                    firstRejection ??= $"line {item.Line}: {item.Result.Outcome} {item.Result.Error?.Message} {string.Join("; ", item.Result.Error?.Errors.Select(e => e.Pointer + " " + e.Message) ?? [])}";
                }
            }
        }

        return (created, firstRejection);
    }

    /// <summary>DER TBS_Sign and signature value of the first signature: the first element of the SES_Signature SEQUENCE, as encoded.</summary>
    private static (byte[] Tbs, byte[] Signature) FirstTbsSign(byte[] ofd)
    {
        if (!OfdPackage.TryOpen(ofd, OfdReadLimits.Default, out var package, out var error))
        {
            throw new InvalidOperationException(error);
        }

        var signedValue = package.GetEntry("Doc_0/Signs/Sign_0/SignedValue.dat");
        if (!SesSignature.TryDecode(signedValue, out var signature, out error))
        {
            throw new InvalidOperationException(error);
        }

        var sequence = new AsnReader(signedValue, AsnEncodingRules.DER).ReadSequence();
        return (sequence.ReadEncodedValue().ToArray(), signature.SignatureValue.ToArray());
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 OfdVerifierSigner(byte[] ofd)
    {
        OfdPackage.TryOpen(ofd, OfdReadLimits.Default, out var package, out _);
        SesSignature.TryDecode(package!.GetEntry("Doc_0/Signs/Sign_0/SignedValue.dat"), out var signature, out _);
        return signature!.SignerCertificate;
    }

    /// <summary>Operations per second over about <paramref name="seconds"/>, on <paramref name="parallelism"/> threads.</summary>
    private static double RawRate(int parallelism, double seconds, Action operation)
    {
        for (var i = 0; i < 20; i++)
        {
            operation();
        }

        var total = 0L;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, parallelism).Select(_ => new Thread(() =>
        {
            var done = 0L;
            while (watch.Elapsed.TotalSeconds < seconds)
            {
                operation();
                done++;
            }

            Interlocked.Add(ref total, done);
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        return total / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Runs <c>openssl speed -mr sm2</c>; null when openssl is missing or has no SM2.</summary>
    private static (double Sign, double Verify, string Version)? OpenSslSpeed(int processes, double seconds)
    {
        try
        {
            var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "speed", "-mr", "-seconds", Math.Max(1, (int)Math.Round(seconds)).ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(argument);
            }

            if (processes > 1)
            {
                start.ArgumentList.Add("-multi");
                start.ArgumentList.Add(processes.ToString(CultureInfo.InvariantCulture));
            }

            start.ArgumentList.Add("sm2");
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            _ = stderr.Result;
            if (!process.WaitForExit(60_000) || process.ExitCode != 0)
            {
                return null;
            }

            // With -mr the result is "+F7:0:256:CurveSM2:<sign/s>:<verify/s>"; with -multi the last such line is the sum.
            var line = stdout.Split('\n').LastOrDefault(l => l.StartsWith("+F7:", StringComparison.Ordinal));
            using var versionProcess = Process.Start(new ProcessStartInfo("openssl", "version") { RedirectStandardOutput = true })!;
            var version = versionProcess.StandardOutput.ReadToEnd().Trim();
            versionProcess.WaitForExit();
            var parts = line?.Split(':');
            return parts is { Length: >= 6 }
                ? (double.Parse(parts[4], CultureInfo.InvariantCulture), double.Parse(parts[5], CultureInfo.InvariantCulture), version)
                : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private sealed record Row(string Measure, double Rate, string Unit, double? Target);
}
