using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElectronicLicense.Cli.Tests.Support;
using ElectronicLicense.TestSupport;
using Npgsql;

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
            token = IssuerToken(data.File("registry"));
            using var http = Client(api.Address, token);

            // One license pushed on its own first, so the log has a signed head from before the kill to prove growth from.
            using (var single = await http.PostAsync("api/v1/licenses", new StringContent(lines[0], Encoding.UTF8, "application/json")))
            {
                Assert.True(single.IsSuccessStatusCode, await single.Content.ReadAsStringAsync());
            }

            headBeforeKill = await TreeHeadOfAtLeastAsync(http, 2);

            // elic import as a department runs it; the registry is killed once a few chunks are in.
            var import = Task.Run(() => Elic.RunAsync("import", file, "--api", api.Address.AbsoluteUri, "--token", token, "--json", "--no-progress"));
            while (await ScalarAsync(database, "SELECT count(*) FROM licenses") < 1 + (ChunksBeforeKill * ChunkSize))
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
        var orphans = await ScalarAsync(database,
            "SELECT count(*) FROM license_versions v WHERE NOT EXISTS (SELECT 1 FROM document_jobs j WHERE j.\"LicenseVersionRecordId\" = v.\"Id\")"
            + " AND (SELECT count(*) FROM license_documents d WHERE d.\"LicenseVersionRecordId\" = v.\"Id\") <> 2");
        Assert.Equal(0, orphans);

        // Started again, the registry seals every stored version and moves every audit event into the log.
        await using (var api = await ApiProcess.StartAsync(port, settings))
        {
            await WaitUntilDrainedAsync(database, api);

            var versions = await ScalarAsync(database, "SELECT count(*) FROM license_versions");
            Assert.Equal(stored.Count, versions);
            var documents = await RowsAsync(database,
                "SELECT v.\"LicenseId\", count(d.\"Id\") FROM license_versions v LEFT JOIN license_documents d ON d.\"LicenseVersionRecordId\" = v.\"Id\" GROUP BY v.\"LicenseId\"",
                r => (Id: r.GetString(0), Count: r.GetInt64(1)));
            Assert.All(documents, d => Assert.True(d.Count == 2, $"{d.Id} has {d.Count} documents, not its OFD and PDF"));

            var events = await RowsAsync(database, "SELECT idx, leaf, leaf_hash FROM audit_events ORDER BY idx",
                r => (Index: r.GetInt64(0), Leaf: JsonNode.Parse((byte[])r[1])!, Hash: Convert.ToHexStringLower((byte[])r[2])));
            Assert.Equal(Enumerable.Range(0, events.Count).Select(i => (long)i), events.Select(e => e.Index));
            var ids = documents.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var action in new[] { "license.ingest", "license.issue" })
            {
                var perLicense = events.Where(e => (string?)e.Leaf["action"] == action)
                    .GroupBy(e => (string)e.Leaf["license"]!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
                Assert.Equal(ids.Order(StringComparer.Ordinal), perLicense.Keys.Order(StringComparer.Ordinal));
                Assert.All(perLicense, p => Assert.True(p.Value == 1, $"{action} of {p.Key} is in the log {p.Value} times"));
            }

            using var http = Client(api.Address, token);
            await AssertLogProvesAsync(http, data, headBeforeKill, [events[0], events[^1], events[events.Count / 2]]);

            // Pushing the whole file again stores exactly the records the kill cut off.
            var again = await Elic.RunAsync("import", file, "--api", api.Address.AbsoluteUri, "--token", token, "--json", "--no-progress");
            Assert.True(again.ExitCode == 0, again.ToString());
            var report = ImportReportView.Parse(again);
            Assert.Equal((Records, Records - batchStored, 0, batchStored, 0),
                (report.Lines, report.Created, report.NewVersion, report.Unchanged, report.Rejected));
            Assert.Equal(Records + 1, await ScalarAsync(database, "SELECT count(*) FROM licenses"));
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

    private static string IssuerToken(string dataDirectory)
    {
        using var credentials = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDirectory, "demo-credentials.json")));
        return credentials.RootElement.GetProperty(Issuer).GetProperty("issuer").GetString()!;
    }

    private static HttpClient Client(Uri address, string token)
    {
        var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<string> TreeHeadOfAtLeastAsync(HttpClient http, long size)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var head = await http.GetStringAsync("api/v1/audit/tree-head");
            if (JsonNode.Parse(head)!["treeSize"]!.GetValue<long>() >= size)
            {
                return head;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the audit log did not reach {size} events");
    }

    private static async Task WaitUntilDrainedAsync(TempPostgresDatabase database, ApiProcess api)
    {
        var deadline = DateTime.UtcNow + DrainTimeout;
        while (true)
        {
            var jobs = await ScalarAsync(database, "SELECT count(*) FROM document_jobs");
            var outbox = await ScalarAsync(database, "SELECT count(*) FROM audit_outbox");
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

    /// <summary><c>elic audit verify</c> for <paramref name="proven"/> and <c>elic audit consistency</c> from the head kept before the kill.</summary>
    private static async Task AssertLogProvesAsync(
        HttpClient http, TempDirectory data, string headBeforeKill, IEnumerable<(long Index, JsonNode Leaf, string Hash)> proven)
    {
        var key = data.File("audit.pem");
        await File.WriteAllTextAsync(key, await http.GetStringAsync("api/v1/audit/public-key.pem"));
        var head = await http.GetStringAsync("api/v1/audit/tree-head");
        var size = JsonNode.Parse(head)!["treeSize"]!.GetValue<long>();
        await File.WriteAllTextAsync(data.File("sth.json"), head);
        await File.WriteAllTextAsync(data.File("sth-before.json"), headBeforeKill);

        foreach (var (index, _, hash) in proven)
        {
            await File.WriteAllTextAsync(data.File("inclusion.json"), await http.GetStringAsync($"api/v1/audit/proofs/inclusion?index={index}&treeSize={size}"));
            var verify = await Elic.RunAsync("audit", "verify", "--tree-head", data.File("sth.json"), "--proof", data.File("inclusion.json"),
                "--leaf-hash", hash, "--public-key", key);
            Assert.True(verify.ExitCode == 0, $"event {index}: {verify}");
        }

        var before = JsonNode.Parse(headBeforeKill)!["treeSize"]!.GetValue<long>();
        await File.WriteAllTextAsync(data.File("consistency.json"), await http.GetStringAsync($"api/v1/audit/proofs/consistency?first={before}&second={size}"));
        var consistency = await Elic.RunAsync("audit", "consistency", "--old", data.File("sth-before.json"), "--new", data.File("sth.json"),
            "--proof", data.File("consistency.json"), "--public-key", key);
        Assert.True(consistency.ExitCode == 0, consistency.ToString());
    }

    private static async Task<HashSet<string>> StoredNumbersAsync(TempPostgresDatabase database) =>
        (await RowsAsync(database, "SELECT \"Number\" FROM licenses", r => r.GetString(0))).ToHashSet(StringComparer.Ordinal);

    private static async Task<long> ScalarAsync(TempPostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<T>> RowsAsync<T>(TempPostgresDatabase database, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
