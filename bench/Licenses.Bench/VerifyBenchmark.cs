using System.Diagnostics;
using System.Globalization;
using ElectronicLicense.Licenses;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Registry;
using ElectronicLicense.Licenses.Verification;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Bench;

/// <summary>核验 in process: <see cref="VerificationService"/> by 证照标识 and by an uploaded 3-signature PDF, with receipts and audit, several concurrent callers.</summary>
internal static class VerifyBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = 5;
        var concurrency = 8;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds" when BenchSupport.Positive(args, ++i, out var s):
                    seconds = s;
                    break;
                case "--concurrency" when BenchSupport.Positive(args, ++i, out var c):
                    concurrency = c;
                    break;
                default:
                    Console.Error.WriteLine("usage: Licenses.Bench verify [--seconds S] [--concurrency C]");
                    return 2;
            }
        }

        var output = Console.Out;
        output.WriteLine($"elic 核验 benchmark (in process, SQLite): {concurrency} concurrent callers, {seconds} s per mode; .NET {Environment.Version}, {Environment.ProcessorCount} cores");
        var root = Directory.CreateTempSubdirectory("elic-bench-verify-");
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = root.FullName }).Build();
            await using var services = new ServiceCollection().AddLicenseRegistry(configuration).BuildServiceProvider();
            await services.GetRequiredService<RegistryInitializer>().InitializeAsync();
            var issuer = await BenchSupport.ActAsAsync(services, DeathCertificateGenerator.Issuer, DepartmentRole.Issuer);
            var verifier = await BenchSupport.ActAsAsync(services, DeathCertificateGenerator.Police, DepartmentRole.Verifier);
            var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
            var ids = new List<LicenseId>();
            await using (var stream = DeathCertificateGenerator.Ndjson("BENCH-V", 0, 20, today))
            {
                await foreach (var item in services.GetRequiredService<IngestService>().IngestBatchAsync(issuer, stream))
                {
                    ids.Add(item.Result.LicenseId ?? throw new InvalidOperationException(item.Result.Error?.Message));
                }
            }

            var service = services.GetRequiredService<VerificationService>();
            var (_, content) = await services.GetRequiredService<LicenseQueryService>().OpenDocumentAsync(issuer, ids[0], "pdf");
            byte[] pdf;
            await using (content)
            {
                using var memory = new MemoryStream();
                await content.CopyToAsync(memory);
                pdf = memory.ToArray();
            }

            await RunModeAsync("by id", concurrency, TimeSpan.FromSeconds(1), i => service.VerifyLicenseAsync(verifier, ids[i % ids.Count]), null);
            await RunModeAsync("by id", concurrency, TimeSpan.FromSeconds(seconds), i => service.VerifyLicenseAsync(verifier, ids[i % ids.Count]), output);
            await RunModeAsync("PDF upload (3 signatures)", Math.Min(concurrency, Environment.ProcessorCount), TimeSpan.FromSeconds(seconds), _ => service.VerifyFileAsync(verifier, pdf), output);
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            root.Delete(recursive: true);
        }
    }

    private static async Task RunModeAsync(string name, int concurrency, TimeSpan duration, Func<int, Task<VerificationResult>> verify, TextWriter? output)
    {
        var latencies = new List<double>[concurrency];
        var clock = Stopwatch.StartNew();
        string? verdict = null;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            for (var i = w; clock.Elapsed < duration; i += concurrency)
            {
                var start = Stopwatch.GetTimestamp();
                var result = await verify(i);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                verdict ??= result.Report.Indication;
            }
        })));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-28} {all.Length / clock.Elapsed.TotalSeconds,8:0} verifications/s   p50 {all[all.Length / 2],6:0.00} ms   p99 {all[(int)(all.Length * 0.99)],6:0.00} ms   ({all.Length} runs, verdict {verdict})"));
    }
}
