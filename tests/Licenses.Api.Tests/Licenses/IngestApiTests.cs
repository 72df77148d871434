using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElectronicLicense.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Api.Tests.Licenses;

/// <summary>归集 over HTTP; runs once on SQLite and once on PostgreSQL (see the derived classes).</summary>
public abstract class IngestApiTests(RegistryApiFactory factory)
{
    protected RegistryApiFactory Factory { get; } = factory;

    private static string UniqueNumber() => "T" + Guid.NewGuid().ToString("N")[..20].ToUpperInvariant();

    private HttpClient Issuer(JsonObject body) => Factory.ClientFor(Samples.IssuerOf(body), "issuer");

    private static JsonObject WithNewNumber(string sample)
    {
        var body = Samples.License(sample);
        body["证照编号"] = UniqueNumber();
        return body;
    }

    private async Task<int> CountLicensesAsync() => await Factory.QueryAsync(db => db.Licenses.CountAsync());

    [Fact]
    public async Task Every_sample_license_is_accepted_and_readable_at_once()
    {
        foreach (var file in Samples.LicenseFiles)
        {
            var body = WithNewNumber(Path.GetFileName(file));
            var client = Issuer(body);

            var response = await client.PostAsync("/api/v1/licenses", Samples.Json(body));

            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{Path.GetFileName(file)}: {await response.Content.ReadAsStringAsync()}");
            var pushed = await response.Content.ReadFromJsonAsync<JsonObject>();
            var id = (string)pushed!["licenseId"]!;
            Assert.StartsWith($"1.2.156.3005.2.{body["证照类型代码"]}.{body["颁发机构代码"]}.", id, StringComparison.Ordinal);
            Assert.Equal(1, (int)pushed["version"]!);
            Assert.Equal($"/api/v1/licenses/{id}", response.Headers.Location!.OriginalString);

            var read = await client.GetFromJsonAsync<JsonObject>(response.Headers.Location);
            Assert.Equal(id, (string)read!["licenseId"]!);
            var data = read["versions"]![0]!["data"]!;
            Assert.Equal((string)body["持证主体"]!, (string)data["持证主体"]!);
            Assert.Equal((string)body["证照编号"]!, (string)data["证照编号"]!);
            Assert.Equal(body["照面"]!.ToJsonString(), data["照面"]!.ToJsonString());
            Assert.Equal("valid", (string)read["status"]!);
        }
    }

    [Fact]
    public async Task Every_bad_sample_gets_its_status_and_field_pointer_and_stores_nothing()
    {
        var expectations = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Samples, "bad", "expected.json")))!.AsObject();
        var files = Directory.GetFiles(Path.Combine(RepositoryPaths.Samples, "bad"), "*.json").Select(Path.GetFileName).Where(f => f != "expected.json");
        Assert.Equal(files.Order(), expectations.Select(e => e.Key).Order());
        var before = await CountLicensesAsync();

        foreach (var (file, expected) in expectations)
        {
            var text = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Samples, "bad", file));
            var issuer = TryIssuer(text) is { } code && Factory.Tokens.TryGetValue(code, out var roles) && roles.ContainsKey("issuer")
                ? code
                : Samples.MarketRegulator;
            var client = Factory.ClientFor(issuer, "issuer");

            var response = await client.PostAsync("/api/v1/licenses", Samples.Json(text));

            var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
            Assert.True((int)response.StatusCode == (int)expected!["status"]!, $"{file}: {problem}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal((int)expected["status"]!, (int)problem!["status"]!);
            Assert.StartsWith("urn:elic:problem:", (string)problem["type"]!, StringComparison.Ordinal);
            if (expected["pointer"] is { } pointer)
            {
                var pointers = problem["errors"]!.AsArray().Select(e => (string)e!["pointer"]!).ToArray();
                Assert.True(pointers.Contains((string)pointer!), $"{file}: expected pointer {pointer}, got {string.Join(", ", pointers)}");
            }
        }

        Assert.Equal(before, await CountLicensesAsync());
    }

    private static string? TryIssuer(string text)
    {
        try
        {
            return JsonNode.Parse(text)?["颁发机构代码"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Pushing_the_same_license_again_returns_the_same_result_and_stores_nothing_new()
    {
        var body = WithNewNumber("business-license-1.json");
        var client = Issuer(body);

        var first = await client.PostAsync("/api/v1/licenses", Samples.Json(body));
        var second = await client.PostAsync("/api/v1/licenses", Samples.Json(body));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var a = await first.Content.ReadFromJsonAsync<JsonObject>();
        var b = await second.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal((string)a!["licenseId"]!, (string)b!["licenseId"]!);
        Assert.Equal("unchanged", (string)b["outcome"]!);
        var number = (string)body["证照编号"]!;
        Assert.Equal(1, await Factory.QueryAsync(db => db.LicenseVersions.CountAsync(v => db.Licenses.Any(l => l.Id == v.LicenseRecordId && l.Number == number))));
    }

    [Fact]
    public async Task Different_content_under_the_same_number_is_a_conflict_and_keeps_the_stored_version()
    {
        var body = WithNewNumber("business-license-1.json");
        var client = Issuer(body);
        var created = await (await client.PostAsync("/api/v1/licenses", Samples.Json(body))).Content.ReadFromJsonAsync<JsonObject>();
        var changed = body.DeepClone().AsObject();
        changed["照面"]!["住所"] = "重庆市渝中区解放碑步行街1号";

        var response = await client.PostAsync("/api/v1/licenses", Samples.Json(changed));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("content-conflict", (string)problem!["code"]!);
        Assert.Contains("变更", (string)problem["detail"]!, StringComparison.Ordinal);
        var read = await client.GetFromJsonAsync<JsonObject>($"/api/v1/licenses/{created!["licenseId"]}");
        Assert.Single(read!["versions"]!.AsArray());
        Assert.Equal(body["照面"]!["住所"]!.ToJsonString(), read["versions"]![0]!["data"]!["照面"]!["住所"]!.ToJsonString());
    }

    [Fact]
    public async Task A_change_stores_a_new_version_and_keeps_the_old_one_in_history()
    {
        var body = WithNewNumber("business-license-1.json");
        var client = Issuer(body);
        var v1 = await (await client.PostAsync("/api/v1/licenses", Samples.Json(body))).Content.ReadFromJsonAsync<JsonObject>();
        var change = body.DeepClone().AsObject();
        change["照面"]!["住所"] = "重庆市渝北区金开大道100号";
        change["变更"] = new JsonObject { ["原因"] = "住所变更" };

        var response = await client.PostAsync("/api/v1/licenses", Samples.Json(change));
        var again = await client.PostAsync("/api/v1/licenses", Samples.Json(change));
        var stale = await client.PostAsync("/api/v1/licenses", Samples.Json(body));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var v2 = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("new-version", (string)v2!["outcome"]!);
        Assert.Equal(2, (int)v2["version"]!);
        var v1Id = (string)v1!["licenseId"]!;
        var v2Id = (string)v2["licenseId"]!;
        Assert.Equal(v1Id[..v1Id.LastIndexOf(".001.", StringComparison.Ordinal)], v2Id[..v2Id.LastIndexOf(".002.", StringComparison.Ordinal)]);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("superseded", (string)(await stale.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!, StringComparison.Ordinal);

        var read = await client.GetFromJsonAsync<JsonObject>($"/api/v1/licenses/{v1Id}");
        Assert.Equal(v2Id, (string)read!["licenseId"]!);
        Assert.Equal(1, (int)read["requestedVersion"]!);
        Assert.Equal(2, (int)read["currentVersion"]!);
        var versions = read["versions"]!.AsArray();
        Assert.Equal(2, versions.Count);
        Assert.NotNull(versions[0]!["supersededAt"]);
        Assert.Null(versions[1]!["supersededAt"]);
        Assert.Equal("住所变更", (string)versions[1]!["changeReason"]!);
    }

    [Fact]
    public async Task A_change_of_a_license_that_does_not_exist_is_rejected()
    {
        var body = WithNewNumber("business-license-1.json");
        body["变更"] = new JsonObject { ["原因"] = "更正" };

        var response = await Issuer(body).PostAsync("/api/v1/licenses", Samples.Json(body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("/变更", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_import_stores_good_records_and_reports_each_bad_line()
    {
        var client = Factory.ClientFor(Samples.MarketRegulator, "issuer");
        async Task<List<JsonObject>> PushAsync()
        {
            var content = new StreamContent(File.OpenRead(Path.Combine(RepositoryPaths.Samples, "import.ndjson")));
            content.Headers.ContentType = new("application/x-ndjson");
            var response = await client.PostAsync("/api/v1/licenses/batch", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        }

        var first = await PushAsync();
        var second = await PushAsync();

        var results = first.Where(r => r["line"] is not null).ToList();
        Assert.Equal(30, results.Count);
        Assert.Equal([7, 15, 23], results.Where(r => (string)r["outcome"]! == "rejected").Select(r => (int)r["line"]!));
        Assert.All(results.Where(r => (string)r["outcome"]! == "rejected"), r => Assert.NotEmpty(r["problem"]!["errors"]!.AsArray()));
        Assert.Equal(27, results.Count(r => (string)r["outcome"]! == "created"));
        var summary = first.Last()["summary"]!;
        Assert.Equal(27, (int)summary["created"]!);
        Assert.Equal(3, (int)summary["rejected"]!);
        Assert.Equal(27, (int)second.Last()["summary"]!["unchanged"]!);

        var stored = await client.GetFromJsonAsync<JsonObject>($"/api/v1/licenses/{results[0]["licenseId"]}");
        Assert.Equal("valid", (string)stored!["status"]!);
    }

    [Fact]
    public async Task A_single_push_answers_with_its_documents_and_a_batch_says_they_are_pending_until_the_worker_attaches_them()
    {
        var single = WithNewNumber("business-license-1.json");
        var client = Issuer(single);
        var pushed = await (await client.PostAsync("/api/v1/licenses", Samples.Json(single))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("attached", (string)pushed!["documents"]!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/licenses/{pushed["licenseId"]}/document?format=ofd")).StatusCode);

        var bodies = Enumerable.Range(0, 3).Select(_ => WithNewNumber("business-license-1.json")).ToList();
        var content = new StringContent(string.Join('\n', bodies.Select(b => b.ToJsonString())) + "\n", Encoding.UTF8, "application/x-ndjson");
        var response = await client.PostAsync("/api/v1/licenses/batch", content);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).Where(l => l["line"] is not null).ToList();

        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.Equal(("created", "pending"), ((string)l["outcome"]!, (string)l["documents"]!)));
        foreach (var id in lines.Select(l => (string)l["licenseId"]!))
        {
            // The background worker seals them; meanwhile the document answers 404 saying so.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            HttpResponseMessage document;
            while ((document = await client.GetAsync($"/api/v1/licenses/{id}/document?format=pdf")).StatusCode == HttpStatusCode.NotFound && DateTime.UtcNow < deadline)
            {
                var problem = await document.Content.ReadAsStringAsync();
                Assert.True(problem.Contains("still sealing", StringComparison.Ordinal), problem);
                await Task.Delay(100);
            }

            Assert.Equal(HttpStatusCode.OK, document.StatusCode);
            Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(await document.Content.ReadAsByteArrayAsync())[..5], StringComparison.Ordinal);
        }

        Assert.Equal(0, await Factory.QueryAsync(db => db.DocumentJobs.CountAsync()));
    }

    [Fact]
    public async Task A_batch_holding_a_license_and_its_change_stores_both_versions_in_order()
    {
        var body = WithNewNumber("business-license-1.json");
        var change = body.DeepClone().AsObject();
        change["照面"]!["住所"] = "重庆市江北区观音桥步行街8号";
        change["变更"] = new JsonObject { ["原因"] = "住所变更" };
        var ndjson = body.ToJsonString() + "\n" + change.ToJsonString() + "\n";
        var content = new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson");

        var response = await Issuer(body).PostAsync("/api/v1/licenses/batch", content);

        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal("created", (string)lines[0]["outcome"]!);
        Assert.Equal("new-version", (string)lines[1]["outcome"]!);
        Assert.Equal(2, (int)lines[1]["version"]!);
    }

    [Fact]
    public async Task Suspend_resume_and_revoke_follow_the_lifecycle_and_are_kept_in_history()
    {
        var body = WithNewNumber("business-license-1.json");
        var client = Issuer(body);
        var id = (string)(await (await client.PostAsync("/api/v1/licenses", Samples.Json(body))).Content.ReadFromJsonAsync<JsonObject>())!["licenseId"]!;

        async Task<HttpResponseMessage> Act(string action, string reason) =>
            await client.PostAsJsonAsync($"/api/v1/licenses/{id}/{action}", new { reasonCode = reason, note = "案件编号 2026-001" });

        var suspended = await Act("suspend", "under-investigation");
        Assert.Equal("suspended", (string)(await suspended.Content.ReadFromJsonAsync<JsonObject>())!["status"]!);
        Assert.Equal(HttpStatusCode.Conflict, (await Act("suspend", "under-investigation")).StatusCode);
        Assert.Equal("valid", (string)(await (await Act("resume", "investigation-closed")).Content.ReadFromJsonAsync<JsonObject>())!["status"]!);
        var badReason = await Act("revoke", "because");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badReason.StatusCode);
        Assert.Contains("/reasonCode", await badReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var revoked = await (await Act("revoke", "revoked-by-authority")).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("revoked", (string)revoked!["status"]!);
        Assert.Equal(HttpStatusCode.Conflict, (await Act("resume", "suspension-ended")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Act("revoke", "cancelled")).StatusCode);

        var history = revoked["statusHistory"]!.AsArray().Select(s => ((string?)s!["from"], (string)s["to"]!, (string)s["reasonCode"]!)).ToArray();
        Assert.Equal(
            [(null, "valid", "issued"), ("valid", "suspended", "under-investigation"), ("suspended", "valid", "investigation-closed"), ("valid", "revoked", "revoked-by-authority")],
            history);
        Assert.Equal("吊销", (string)revoked["statusHistory"]![3]!["reasonName"]!);

        var changeAfterRevoke = body.DeepClone().AsObject();
        changeAfterRevoke["照面"]!["住所"] = "重庆市南岸区南坪正街1号";
        changeAfterRevoke["变更"] = new JsonObject { ["原因"] = "住所变更" };
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync("/api/v1/licenses", Samples.Json(changeAfterRevoke))).StatusCode);
    }

    [Fact]
    public async Task Only_the_issuing_department_may_change_a_license_status()
    {
        var body = WithNewNumber("business-license-1.json");
        var id = (string)(await (await Issuer(body).PostAsync("/api/v1/licenses", Samples.Json(body))).Content.ReadFromJsonAsync<JsonObject>())!["licenseId"]!;
        var otherIssuer = Factory.ClientFor("11500000MB1501018N", "issuer");

        var response = await otherIssuer.PostAsJsonAsync($"/api/v1/licenses/{id}/revoke", new { reasonCode = "cancelled" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_license_past_its_end_date_reads_as_expired()
    {
        var body = WithNewNumber("food-business-license-1.json");
        body["颁发日期"] = "2015-03-01";
        body["有效期起始日期"] = "2015-03-01";
        body["有效期截止日期"] = "2020-02-29";
        var client = Issuer(body);

        var pushed = await client.PostAsync("/api/v1/licenses", Samples.Json(body));
        var read = await client.GetFromJsonAsync<JsonObject>(pushed.Headers.Location);

        Assert.Equal("expired", (string)read!["status"]!);
    }

    [Fact]
    public async Task Archivists_read_any_license_issuers_only_their_own_and_verifiers_none()
    {
        var body = WithNewNumber("business-license-1.json");
        var pushed = await Issuer(body).PostAsync("/api/v1/licenses", Samples.Json(body));

        var archivist = Factory.ClientFor(Samples.BigDataBureau, "archivist");
        var verifier = Factory.ClientFor("12500103MB1513019D", "verifier");
        var otherIssuer = Factory.ClientFor("11500000MB1501018N", "issuer");

        Assert.Equal(HttpStatusCode.OK, (await archivist.GetAsync(pushed.Headers.Location)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherIssuer.GetAsync(pushed.Headers.Location)).StatusCode);
        var search = new { holderCode = (string)body["持证主体代码"]! };
        var found = await (await archivist.PostAsJsonAsync("/api/v1/licenses/search", search)).Content.ReadFromJsonAsync<JsonArray>();
        Assert.Contains(found!, f => (string)f!["number"]! == (string)body["证照编号"]!);
        var foreign = await (await otherIssuer.PostAsJsonAsync("/api/v1/licenses/search", search)).Content.ReadFromJsonAsync<JsonArray>();
        Assert.Empty(foreign!);

        // A verifier reads holder data only under a grant or a duty basis (/api/v1/shared, /api/v1/duty).
        Assert.Equal(HttpStatusCode.Forbidden, (await verifier.GetAsync(pushed.Headers.Location)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await verifier.PostAsJsonAsync("/api/v1/licenses/search", search)).StatusCode);
    }

    [Fact]
    public async Task Unknown_or_malformed_license_ids_are_not_found()
    {
        var client = Factory.ClientFor(Samples.BigDataBureau, "archivist");

        var malformed = await client.GetAsync("/api/v1/licenses/1.2.156.3005.2.nonsense");
        var unknown = await client.GetAsync("/api/v1/licenses/1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0");

        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("license-not-found", (string)(await unknown.Content.ReadFromJsonAsync<JsonObject>())!["code"]!);
    }

    [Fact]
    public async Task Concurrent_pushes_get_distinct_serials_and_a_repeated_license_is_stored_once()
    {
        var bodies = Enumerable.Range(0, 12).Select(_ => WithNewNumber("business-license-1.json")).ToArray();
        var repeated = WithNewNumber("business-license-1.json");
        var client = Issuer(repeated);

        var responses = await Task.WhenAll(
            bodies.Select(b => client.PostAsync("/api/v1/licenses", Samples.Json(b)))
                .Concat(Enumerable.Range(0, 6).Select(_ => client.PostAsync("/api/v1/licenses", Samples.Json(repeated)))));

        var results = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonObject>()));
        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));
        Assert.Equal(13, results.Select(r => (string)r!["licenseId"]!).Distinct().Count());
        var outcomes = results.Skip(12).Select(r => (string)r!["outcome"]!).ToArray();
        Assert.Equal(1, outcomes.Count(o => o == "created"));
        Assert.Equal(5, outcomes.Count(o => o == "unchanged"));
    }
}

public sealed class SqliteFactoryFixture : IDisposable
{
    public RegistryApiFactory Factory { get; } = new(Database.Sqlite);

    public void Dispose() => Factory.Dispose();
}

public sealed class PostgresFactoryFixture : IDisposable
{
    public RegistryApiFactory Factory { get; } = new(Database.PostgreSql);

    public void Dispose() => Factory.Dispose();
}

public sealed class SqliteIngestApiTests(SqliteFactoryFixture fixture) : IngestApiTests(fixture.Factory), IClassFixture<SqliteFactoryFixture>;

public sealed class PostgresIngestApiTests(PostgresFactoryFixture fixture) : IngestApiTests(fixture.Factory), IClassFixture<PostgresFactoryFixture>;
