using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using ElectronicLicense.Cli.Tests.Support;
using ElectronicLicense.TestSupport;

namespace ElectronicLicense.Cli.Tests.ScaleOut;

/// <summary>
/// Scale-out as users run it: two API processes on one PostgreSQL database and one S3 store (s3rver), sharing only the key
/// folder, under concurrent single pushes, batches and verifications sent to both.
/// </summary>
public sealed class TwoApiProcessesTests
{
    private const int SinglesPerProcess = 20;
    private const int BatchPerProcess = 120;
    private const int VerificationsPerProcess = 20;
    private const string Issuer = ImportSample.Issuer;
    private const string Verifier = "11500000MB1501018N"; // 重庆市公安局: a verifier, not the issuer of 营业执照

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(5);

    [PostgresFact]
    public async Task Two_processes_on_one_database_and_store_give_unique_serials_one_audit_tree_and_each_job_done_once()
    {
        await using var database = await TempPostgresDatabase.CreateAsync();
        using var data = new TempDirectory();
        var (s3, documentsBucket, archivesBucket) = await CreateBucketsAsync();
        var keys = data.File("keys");
        Settings Of(string name) => new(name, new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = data.File(name),
            ["Storage__Provider"] = "postgresql",
            ["Storage__ConnectionString"] = database.ConnectionString,
            ["Storage__MigrateAtStartup"] = "true",
            ["Storage__Objects__Kind"] = "s3",
            ["Storage__Objects__S3__ServiceUrl"] = s3,
            ["Storage__Objects__S3__Bucket"] = documentsBucket,
            ["Archives__Store__Kind"] = "s3",
            ["Archives__Store__S3__ServiceUrl"] = s3,
            ["Archives__Store__S3__Bucket"] = archivesBucket,
            ["ELIC_S3_ACCESS_KEY"] = "S3RVER",
            ["ELIC_S3_SECRET_KEY"] = "S3RVER",
            ["Sealing__KeyDirectory"] = keys,
            ["Ingest__BatchChunkSize"] = "50",
            ["Logging__LogLevel__Default"] = "Warning",
        });

        // The first process makes the keys, the departments and their seals; the second finds them.
        await using var first = await ApiProcess.StartAsync(ApiProcess.FreePort(), Of("node-a").Values);
        await using var second = await ApiProcess.StartAsync(ApiProcess.FreePort(), Of("node-b").Values);
        var credentials = RegistryHttp.DemoCredentials(data.File("node-a"));
        Assert.False(File.Exists(Path.Combine(data.File("node-b"), "demo-credentials.json")), "the second process seeded the departments again");
        ApiProcess[] nodes = [first, second];
        var issuers = nodes.Select(n => RegistryHttp.Client(n.Address, credentials[Issuer]["issuer"])).ToArray();
        var verifiers = nodes.Select(n => RegistryHttp.Client(n.Address, credentials[Verifier]["verifier"])).ToArray();
        var template = JsonNode.Parse(File.ReadLines(Repository.ImportSample).First())!.AsObject();
        string Record(int number)
        {
            var record = template.DeepClone().AsObject();
            record["证照编号"] = $"500000-YYZZ-2026-{number:D5}";
            return record.ToJsonString();
        }

        // A head before the load, kept to prove later that the log only grew.
        var seed = await PushAsync(issuers[0], Record(0));
        var headBefore = await RegistryHttp.TreeHeadOfAtLeastAsync(issuers[0], 2);

        // Both processes at once: single pushes four at a time, a batch, and verifications of what the other one stored.
        var work = Enumerable.Range(0, 2).Select(async n =>
        {
            var client = issuers[n];
            var offset = 10_000 * (n + 1);
            var batch = BatchAsync(client, Enumerable.Range(offset + 1000, BatchPerProcess).Select(Record));
            var singles = new List<string>();
            using var gate = new SemaphoreSlim(4);
            var pushes = Enumerable.Range(offset, SinglesPerProcess).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    return await PushAsync(client, Record(i));
                }
                finally
                {
                    gate.Release();
                }
            }).ToArray();
            var ids = (await Task.WhenAll(pushes)).ToList();
            return (Singles: ids, Batch: await batch);
        }).ToArray();
        var verdicts = Enumerable.Range(0, 2).Select(async n =>
        {
            var results = new List<string>();
            for (var i = 0; i < VerificationsPerProcess; i++)
            {
                results.Add(await VerifyAsync(verifiers[n], new JsonObject { ["licenseId"] = seed }));
            }

            return results;
        }).ToArray();
        var pushed = await Task.WhenAll(work);
        var verified = (await Task.WhenAll(verdicts)).SelectMany(v => v).ToList();
        Assert.All(verified, v => Assert.Equal("TOTAL-PASSED", v));

        var ids = pushed.SelectMany(p => p.Singles.Concat(p.Batch)).Append(seed).ToList();
        var expected = 1 + (2 * (SinglesPerProcess + BatchPerProcess));
        Assert.Equal(expected, ids.Distinct(StringComparer.Ordinal).Count());

        await WaitUntilDrainedAsync(database, nodes);

        // Serial numbers: one per license, none given twice across the processes.
        var serials = await PostgresQueries.RowsAsync(database.ConnectionString, "SELECT \"Serial\" FROM licenses", r => r.GetString(0));
        Assert.Equal(expected, serials.Count);
        Assert.Equal(expected, serials.Distinct(StringComparer.Ordinal).Count());

        // Every job done once: each version sealed once (an OFD and a PDF), archived once, no job left.
        var documents = await PostgresQueries.DocumentsPerVersionAsync(database.ConnectionString);
        Assert.Equal(ids.Order(StringComparer.Ordinal), documents.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.All(documents, d => Assert.True(d.Count == 2, $"{d.Id} has {d.Count} documents, not its OFD and PDF"));
        var packages = await PostgresQueries.RowsAsync(database.ConnectionString, "SELECT \"LicenseId\" FROM archive_packages", r => r.GetString(0));
        Assert.Equal(ids.Order(StringComparer.Ordinal), packages.Order(StringComparer.Ordinal));
        Assert.Equal(0, await PostgresQueries.ScalarAsync(database.ConnectionString, "SELECT count(*) FROM archive_outbox WHERE \"CompletedAtUtc\" IS NULL"));
        Assert.Equal(2 * VerificationsPerProcess, await PostgresQueries.ScalarAsync(database.ConnectionString, "SELECT count(*) FROM verification_receipts"));

        // One audit tree: indexes contiguous, each event once, and both processes sign heads of the same tree.
        var events = await PostgresQueries.AuditEventsAsync(database.ConnectionString);
        Assert.Equal(Enumerable.Range(0, events.Count).Select(i => (long)i), events.Select(e => e.Index));
        RegistryHttp.AssertOnceEach(events, ids, "license.ingest", "license.issue", "license.archive");
        Assert.Equal(2 * VerificationsPerProcess, events.Count(e => (string?)e.Leaf["action"] == "license.verify"));
        var heads = await Task.WhenAll(issuers.Select(c => c.GetStringAsync("api/v1/audit/tree-head")));
        Assert.All(heads, h => Assert.Equal(events.Count, JsonNode.Parse(h)!["treeSize"]!.GetValue<long>()));
        Assert.Equal(JsonNode.Parse(heads[0])!["rootHash"]!.ToString(), JsonNode.Parse(heads[1])!["rootHash"]!.ToString());
        await RegistryHttp.AssertLogProvesAsync(issuers[1], data, headBefore, heads[1], [events[0], events[events.Count / 2], events[^1]]);

        // A document sealed through one process verifies as a file through the other (shared keys and store).
        var batchId = pushed[0].Batch[^1];
        foreach (var format in new[] { "pdf", "ofd" })
        {
            var file = await issuers[0].GetByteArrayAsync($"api/v1/licenses/{batchId}/document?format={format}");
            Assert.Equal("TOTAL-PASSED", await VerifyFileAsync(verifiers[1], file, "license." + format));
        }
    }

    private sealed record Settings(string Name, Dictionary<string, string> Values);

    private static async Task<(string Url, string Documents, string Archives)> CreateBucketsAsync()
    {
        var url = Environment.GetEnvironmentVariable("ELIC_TEST_S3") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("ELIC_TEST_S3 is not set; scripts/test.sh installs and starts a throwaway s3rver and sets it.");
        var suffix = Guid.NewGuid().ToString("N")[..12];
        using var client = new AmazonS3Client("S3RVER", "S3RVER", new AmazonS3Config { ServiceURL = url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        await client.PutBucketAsync(new PutBucketRequest { BucketName = "elic-docs-" + suffix });
        await client.PutBucketAsync(new PutBucketRequest { BucketName = "elic-arch-" + suffix });
        return (url, "elic-docs-" + suffix, "elic-arch-" + suffix);
    }

    private static async Task<string> PushAsync(HttpClient client, string record)
    {
        using var response = await client.PostAsync("api/v1/licenses", new StringContent(record, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return (string)JsonNode.Parse(body)!["licenseId"]!;
    }

    private static async Task<List<string>> BatchAsync(HttpClient client, IEnumerable<string> records)
    {
        using var content = new StringContent(string.Join('\n', records) + "\n", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var response = await client.PostAsync("api/v1/licenses/batch", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var ids = new List<string>();
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var result = JsonNode.Parse(line)!;
            if (result["outcome"] is { } outcome)
            {
                Assert.True((string?)outcome == "created", line);
                ids.Add((string)result["licenseId"]!);
            }
        }

        Assert.Equal(BatchPerProcess, ids.Count);
        return ids;
    }

    private static async Task<string> VerifyAsync(HttpClient client, JsonObject request)
    {
        using var response = await client.PostAsync("api/v1/verifications", new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"));
        return await IndicationAsync(response);
    }

    private static async Task<string> VerifyFileAsync(HttpClient client, byte[] bytes, string name)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", name);
        using var response = await client.PostAsync("api/v1/verifications", form);
        return await IndicationAsync(response);
    }

    private static async Task<string> IndicationAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return (string)JsonNode.Parse(body)!["report"]!["indication"]!;
    }

    private static async Task WaitUntilDrainedAsync(TempPostgresDatabase database, ApiProcess[] nodes)
    {
        var deadline = DateTime.UtcNow + DrainTimeout;
        while (true)
        {
            var jobs = await PostgresQueries.ScalarAsync(database.ConnectionString, "SELECT count(*) FROM document_jobs");
            var outbox = await PostgresQueries.ScalarAsync(database.ConnectionString, "SELECT count(*) FROM audit_outbox");
            var archives = await PostgresQueries.ScalarAsync(database.ConnectionString, "SELECT count(*) FROM archive_outbox WHERE \"CompletedAtUtc\" IS NULL");
            if (jobs == 0 && outbox == 0 && archives == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"after {DrainTimeout} {jobs} document jobs, {outbox} audit events and {archives} archive packages are still waiting:\n"
                    + string.Join("\n---\n", nodes.Select(n => n.Log)));
            }

            await Task.Delay(500);
        }
    }

}
