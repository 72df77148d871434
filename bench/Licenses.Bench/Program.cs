using System.Globalization;
using ElectronicLicense.Bench;
using ElectronicLicense.Licenses.Catalog;

// Throughput of 归集: N generated 营业执照 through IngestService.IngestBatchAsync with full validation, per store.
// "ofd" as the first argument measures OFD issuance (3 SM2 seals) and verification instead: see OfdBenchmark.
if (args.Length > 0 && args[0] == "ofd")
{
    return await OfdBenchmark.RunAsync(args[1..]);
}

// "pdf": PDF issuance (3 P-256 signatures) and verification, with poppler's pdfsig beside it: see PdfBenchmark.
if (args.Length > 0 && args[0] == "pdf")
{
    return await PdfBenchmark.RunAsync(args[1..]);
}

// "http": 核验 over HTTP with wrk, beside a bare ASP.NET Core endpoint: see HttpBenchmark.
if (args.Length > 0 && args[0] == "http")
{
    return await HttpBenchmark.RunAsync(args[1..]);
}

// "verify": 核验 by 证照标识 and by an uploaded 3-signature PDF through VerificationService: see VerifyBenchmark.
if (args.Length > 0 && args[0] == "verify")
{
    return await VerifyBenchmark.RunAsync(args[1..]);
}

// "audit": appends/s of the Merkle audit log with concurrent writers, and proof costs: see AuditBenchmark.
if (args.Length > 0 && args[0] == "audit")
{
    return await AuditBenchmark.RunAsync(args[1..]);
}

// "store": one large package through the MinIO blob store into s3rver, with the peak memory: see StoreBenchmark.
if (args.Length > 0 && args[0] == "store")
{
    return await StoreBenchmark.RunAsync(args[1..]);
}

// "archive": archive at issue, export to a folder and to s3rver against tar, and 四性检测 of the bags: see ArchiveBenchmark.
if (args.Length > 0 && args[0] == "archive")
{
    return await ArchiveBenchmark.RunAsync(args[1..]);
}

const int Target = 2_000;
var count = 100_000;
var postgres = Environment.GetEnvironmentVariable("ELIC_BENCH_POSTGRES");
var profile = true;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--count" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0:
            count = n;
            i++;
            break;
        case "--postgres" when i + 1 < args.Length:
            postgres = args[++i];
            break;
        case "--no-profile":
            profile = false;
            break;
        default:
            Console.Error.WriteLine("usage: Licenses.Bench [--count N] [--postgres <connection string>] [--no-profile]");
            Console.Error.WriteLine("       Licenses.Bench ofd [--count N] [--batch B] [--isolated M] [--verify V] [--seconds S]");
            Console.Error.WriteLine("       Licenses.Bench pdf [--count N] [--seed S] [--pdfsig M]");
            Console.Error.WriteLine("       Licenses.Bench http [--seconds S] [--connections C]");
            Console.Error.WriteLine("       Licenses.Bench verify [--seconds S] [--concurrency C]");
            Console.Error.WriteLine("       Licenses.Bench audit [--count N] [--writers W]");
            Console.Error.WriteLine("       Licenses.Bench archive [--count N] [--s3 <url>]");
            Console.Error.WriteLine("       Licenses.Bench store [--mib N] [--s3 <url>]");
            Console.Error.WriteLine("       (ELIC_BENCH_POSTGRES is used when --postgres is not given)");
            return 2;
    }
}

var output = Console.Out;
output.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"elic 归集 benchmark: {count:N0} × 营业执照 {BusinessLicenseGenerator.TypeCode} issued by {BusinessLicenseGenerator.Issuer}, streamed NDJSON, full validation"));
output.WriteLine(BenchSupport.Machine());
output.WriteLine();

var root = Directory.CreateTempSubdirectory("elic-bench-");
var results = new List<IngestRunResult>();
try
{
    // Warm-up on a throwaway store: JIT (up to tier 1), schema compilation and EF model building are not part of the rate.
    output.WriteLine("warm-up: 10,000 licenses into a throwaway SQLite store (not measured)");
    await IngestRun.RunAsync("warm-up", Sqlite(Path.Combine(root.FullName, "warm-up")), 10_000, output: null);

    results.Add(await IngestRun.RunAsync("SQLite", Sqlite(Path.Combine(root.FullName, "sqlite")), count, output));
    output.WriteLine();

    if (!string.IsNullOrWhiteSpace(postgres))
    {
        await using var database = await PostgresDatabase.CreateAsync(postgres);
        var settings = Sqlite(Path.Combine(root.FullName, "postgres"));
        settings["Storage:Provider"] = "postgresql";
        settings["Storage:ConnectionString"] = database.ConnectionString;
        settings["Storage:MigrateAtStartup"] = "true";   // a fresh database of its own
        results.Add(await IngestRun.RunAsync($"PostgreSQL (database {database.Name})", settings, count, output));
        output.WriteLine();
    }
    else
    {
        output.WriteLine("PostgreSQL: skipped (give --postgres <connection string> or set ELIC_BENCH_POSTGRES)");
        output.WriteLine();
    }

    if (profile)
    {
        PrepareProfile.Run(LicenseCatalog.Load(new CatalogOptions().SchemaDirectory), Math.Min(count, 20_000), output);
        output.WriteLine();
    }
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    root.Delete(recursive: true);
}

output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target: {Target:N0} licenses/s"));
foreach (var result in results)
{
    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {result.Store,-45} {result.PerSecond,8:0} licenses/s  {(result.PerSecond >= Target ? "met" : "NOT met")}  (peak heap {MemorySampler.Megabytes(result.PeakHeap)}, peak ws {MemorySampler.Megabytes(result.PeakWorkingSet)})"));
}

return results.All(r => r.Rejected == 0 && r.Created == count) ? 0 : 1;

static Dictionary<string, string?> Sqlite(string dataDirectory) => new() { ["Storage:DataDirectory"] = dataDirectory };
