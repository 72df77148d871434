using System.Text;
using System.Text.Json.Nodes;
using ElectronicLicense.Cli.Tests.Support;
using ElectronicLicense.TestSupport;

namespace ElectronicLicense.Cli.Tests.Recovery;

/// <summary>
/// A registry API process killed with SIGKILL in the middle of a 20,000-record batch import, then started again on the
/// same PostgreSQL database and data folder: nothing half-stored, nothing lost, nothing logged twice.
/// </summary>
public sealed class KilledDuringImportTests
{
    private const int Records = 20_000;
    private const int ChunkSize = 200;
    private const int ChunksBeforeKill = 3;
    private const string Issuer = ImportSample.Issuer;

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(6);

    [PostgresFact]
    public async Task Restart_after_kill_9_keeps_whole_chunks_seals_them_logs_each_event_once_and_reimport_is_idempotent()
    {
        await using var database = await TempPostgresDatabase.CreateAsync();
        using var data = new TempDirectory();
        var file = data.File("import.ndjson");
        var lines = WriteRecords(file);
        var port = ApiProcess.FreePort();
        var settings = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = data.File("registry"),
            ["Storage__Provider"] = "postgresql",
            ["Storage__ConnectionString"] = database.ConnectionString,
            ["Storage__MigrateAtStartup"] = "true",
            ["Ingest__BatchChunkSize"] = ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",

            // The jobs the killed worker held are taken up again once their lease runs out.
            ["Issuance__JobLease"] = "00:00:10",
        };

        string token;
        string headBeforeKill;
        CliRun interrupted;
        await using (var api = await ApiProcess.StartAsync(port, settings))
        {
            token = RegistryHttp.DemoCredentials(data.File("registry"))[Issuer]["issuer"];
            using var http = RegistryHttp.Client(api.Address, token);

            // One license pushed on its own first, so the log has a signed head from before the kill to prove growth from.
            using (var single = await http.PostAsync("api/v1/licenses", new StringContent(lines[0], Encoding.UTF8, "application/json")))
            {
                Assert.True(single.IsSuccessStatusCode, await single.Content.ReadAsStringAsync());
            }

            headBeforeKill = await RegistryHttp.TreeHeadOfAtLeastAsync(http, 2);

            // elic import as a department runs it; the registry is killed once a few chunks are in.
            var import = Task.Run(() => Elic.RunAsync("import", file, "--api", api.Address.AbsoluteUri, "--token", token, "--json", "--no-progress"));
            while (await PostgresQueries.ScalarAsync(database.ConnectionString, "SELECT count(*) FROM licenses") < 1 + (ChunksBeforeKill * ChunkSize))
            {
                Assert.False(import.IsCompleted, $"the import ended before the kill: {(import.IsCompleted ? import.Result.ToString() : null)}");
                await Task.Delay(20);
            }

            await api.KillAsync();
            interrupted = await import;
        }


        // What survived the kill: whole chunks from the start of the file.
        var stored = await StoredNumbersAsync(database);
        var batchStored = stored.Count - 1;
        Assert.True(batchStored % ChunkSize == 0, $"{batchStored} batch records stored: a chunk was stored in part");
        Assert.InRange(batchStored, ChunksBeforeKill * ChunkSize, Records - ChunkSize);
        Assert.Equal(Numbers(lines.Skip(1).Take(batchStored)).Order(), stored.Where(n => n != Number(lines[0])).Order());
        Assert.True(interrupted.ExitCode == 2, interrupted.ToString());
        Assert.Contains("push the file again", interrupted.Error, StringComparison.Ordinal);

        // Every stored version has its documents or a job that will bring them.
        var orphans = await PostgresQueries.ScalarAsync(database.ConnectionString,
            "SELECT count(*) FROM license_versions v WHERE NOT EXISTS (SELECT 1 FROM document_jobs j WHERE j.\"LicenseVersionRecordId\" = v.\"Id\")"
            + " AND (SELECT count(*) FROM license_documents d WHERE d.\"LicenseVersionRecordId\" = v.\"Id\") <> 2");
        Assert.Equal(0, orphans);

        // Started again, the registry seals every stored version and moves every audit event into the log.
        await using (var api = await ApiProcess.StartAsync(port, settings))
        {
            await WaitUntilDrainedAsync(database, api);

            var versions = await PostgresQueries.ScalarAsync(database.ConnectionString, "SELECT count(*) FROM license_versions");
            Assert.Equal(stored.Count, versions);
            var documents = await PostgresQueries.DocumentsPerVersionAsync(database.ConnectionString);
            Assert.All(documents, d => Assert.True(d.Count == 2, $"{d.Id} has {d.Count} documents, not its OFD and PDF"));

            var events = await PostgresQueries.AuditEventsAsync(database.ConnectionString);
            Assert.Equal(Enumerable.Range(0, events.Count).Select(i => (long)i), events.Select(e => e.Index));
            RegistryHttp.AssertOnceEach(events, documents.Select(d => d.Id), "license.ingest", "license.issue");

            using var http = RegistryHttp.Client(api.Address, token);
            await RegistryHttp.AssertLogProvesAsync(http, data, headBeforeKill, await http.GetStringAsync("api/v1/audit/tree-head"), [events[0], events[^1], events[events.Count / 2]]);

            // Pushing the whole file again stores exactly the records the kill cut off.
            var again = await Elic.RunAsync("import", file, "--api", api.Address.AbsoluteUri, "--token", token, "--json", "--no-progress");
            Assert.True(again.ExitCode == 0, again.ToString());
            var report = ImportReportView.Parse(again);
            Assert.Equal((Records, Records - batchStored, 0, batchStored, 0),
                (report.Lines, report.Created, report.NewVersion, report.Unchanged, report.Rejected));
            Assert.Equal(Records + 1, await PostgresQueries.ScalarAsync(database.ConnectionString, "SELECT count(*) FROM licenses"));
        }
    }

    /// <summary>
    /// The sample's first business licence 20,001 times, each with its own 证照编号: the first for a single push, the
    /// other 20,000 written to <paramref name="path"/>.
    /// </summary>
    private static string[] WriteRecords(string path)
    {
        var template = JsonNode.Parse(File.ReadLines(Repository.ImportSample).First())!.AsObject();
        var records = Enumerable.Range(0, Records + 1).Select(i =>
        {
            var record = template.DeepClone().AsObject();
            record["证照编号"] = $"500000-YYZZ-2026-{i:D5}";
            return record.ToJsonString();
        }).ToArray();

        // records[0] is pushed on its own; the file holds the other 20,000.
        File.WriteAllLines(path, records.Skip(1));
        return records;
    }

    private static string Number(string line) => (string)JsonNode.Parse(line)!["证照编号"]!;

    private static IEnumerable<string> Numbers(IEnumerable<string> lines) => lines.Select(Number);

    private static async Task WaitUntilDrainedAsync(TempPostgresDatabase database, ApiProcess api)
    {
        var deadline = DateTime.UtcNow + DrainTimeout;
        while (true)
        {
            var jobs = await PostgresQueries.ScalarAsync(database.ConnectionString, "SELECT count(*) FROM document_jobs");
            var outbox = await PostgresQueries.ScalarAsync(database.ConnectionString, "SELECT count(*) FROM audit_outbox");
            if (jobs == 0 && outbox == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"after {DrainTimeout} {jobs} document jobs and {outbox} audit events are still waiting:\n{api.Log}");
            }

            await Task.Delay(500);
        }
    }

    private static async Task<HashSet<string>> StoredNumbersAsync(TempPostgresDatabase database) =>
        (await PostgresQueries.RowsAsync(database.ConnectionString, "SELECT \"Number\" FROM licenses", r => r.GetString(0))).ToHashSet(StringComparer.Ordinal);

}
