using System.Diagnostics;
using System.Globalization;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Bench;

/// <summary>
/// The audit log (用证留痕): appends per second with N concurrent writers (group commit), then the cost of a signed tree head,
/// an inclusion proof and a consistency proof on the grown log. SQLite always; PostgreSQL when ELIC_BENCH_POSTGRES is set.
/// </summary>
internal static class AuditBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = 100_000;
        var writers = 64;
        var postgres = Environment.GetEnvironmentVariable("ELIC_BENCH_POSTGRES");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--count" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0:
                    count = n;
                    i++;
                    break;
                case "--writers" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var w) && w > 0:
                    writers = w;
                    i++;
                    break;
                default:
                    Console.Error.WriteLine("usage: Licenses.Bench audit [--count N] [--writers W]   (PostgreSQL too when ELIC_BENCH_POSTGRES is set)");
                    return 2;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"elic audit log benchmark: {count:N0} events, {writers} concurrent writers, group commit"));
        Console.WriteLine(BenchSupport.Machine());
        var root = Directory.CreateTempSubdirectory("elic-bench-audit-");
        try
        {
            var sqlite = $"Data Source={Path.Combine(root.FullName, "registry.db")};Default Timeout=30";
            await RunOneAsync("SQLite (WAL)", RegistryDatabase.Options(DatabaseProvider.Sqlite, sqlite), root.FullName, count, writers);
            if (!string.IsNullOrWhiteSpace(postgres))
            {
                await using var database = await PostgresDatabase.CreateAsync(postgres);
                await RunOneAsync($"PostgreSQL (database {database.Name})",
                    RegistryDatabase.Options(DatabaseProvider.PostgreSql, database.ConnectionString), root.FullName, count, writers);
            }
            else
            {
                Console.WriteLine("PostgreSQL: skipped (set ELIC_BENCH_POSTGRES)");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            root.Delete(recursive: true);
        }

        return 0;
    }

    private static async Task RunOneAsync(string name, DbContextOptions<RegistryDbContext> options, string folder, int count, int writers)
    {
        var contexts = new PooledDbContextFactory<RegistryDbContext>(options);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            if (db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }
        }

        var keys = new AuditKeys(
            Options.Create(new SealingOptions { KeyDirectory = Path.Combine(folder, "keys"), KeyPassword = "bench" }),
            Options.Create(new StorageOptions { DataDirectory = folder }));
        await using var log = new AuditLog(contexts, keys, TimeProvider.System, Options.Create(new AuditOptions()));

        // Warm-up (JIT, connection pool, statement caches): not measured.
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 2_000 / writers; i++)
            {
                await log.AppendAsync(Entry(w, i));
            }
        })));

        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < count / writers; i++)
            {
                await log.AppendAsync(Entry(w, i));
            }
        })));
        watch.Stop();
        var appendSeconds = watch.Elapsed.TotalSeconds;
        var appended = count / writers * writers;
        var size = await log.SizeAsync();

        watch.Restart();
        var head = await log.LatestTreeHeadAsync();
        var headMs = watch.Elapsed.TotalMilliseconds;

        var random = new Random(42);
        const int Proofs = 1_000;
        watch.Restart();
        for (var i = 0; i < Proofs; i++)
        {
            var proof = await log.InclusionProofAsync(random.NextInt64(size), size);
            if (proof.AuditPath.Count == 0)
            {
                throw new InvalidOperationException("empty proof");
            }
        }

        var inclusionMs = watch.Elapsed.TotalMilliseconds / Proofs;
        watch.Restart();
        for (var i = 0; i < Proofs; i++)
        {
            await log.ConsistencyProofAsync(1 + random.NextInt64(size - 1), size);
        }

        var consistencyMs = watch.Elapsed.TotalMilliseconds / Proofs;
        Console.WriteLine();
        Console.WriteLine(name);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  append   {appended:N0} events in {appendSeconds:F2}s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  append   {appended / appendSeconds:N0} events/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  tree head (sign + store) {headMs:F2} ms at size {head.TreeSize:N0}; inclusion proof {inclusionMs:F3} ms, consistency proof {consistencyMs:F3} ms (mean of {Proofs})"));
    }

    private static AuditEntry Entry(int writer, int i) => new()
    {
        Action = AuditActions.Verify,
        Outcome = AuditOutcome.Success,
        ActorKind = AuditActorKind.Department,
        Department = "11500000MB1501018N",
        Role = "verifier",
        HolderCode = "11010519491231002X",
        LicenseId = $"1.2.156.3005.2.11500000MB1501018N.{writer:D3}{i:D7}",
        TypeCode = "11500000MB1501018N001",
        Purpose = "115000000000000000000",
        CaseNumber = $"case-{writer}-{i}",
        Detail = "TOTAL-PASSED",
    };
}
