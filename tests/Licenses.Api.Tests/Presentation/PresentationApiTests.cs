using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ElectronicLicense.Api.Tests.Infrastructure;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Presentation;
using ElectronicLicense.Licenses.StatusLists;
using ElectronicLicense.Seals.Verification;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Api.Tests.Presentation;

public sealed class PresentationApiFixture : IDisposable
{
    public RegistryApiFactory Factory { get; } = new(Database.Sqlite);

    public void Dispose() => Factory.Dispose();
}

public sealed class PostgresPresentationApiFixture : IDisposable
{
    public RegistryApiFactory Factory { get; } = new(Database.PostgreSql);

    public void Dispose() => Factory.Dispose();
}

public sealed class PostgresPresentationApiTests(PostgresPresentationApiFixture fixture)
    : PresentationApiTests(fixture.Factory), IClassFixture<PostgresPresentationApiFixture>;

public sealed class SqlitePresentationApiTests(PresentationApiFixture fixture) : PresentationApiTests(fixture.Factory), IClassFixture<PresentationApiFixture>
{
    [Fact]
    public async Task Only_an_administrator_rotates_the_payload_key_and_the_rotation_is_audited()
    {
        var (_, issuer) = await IssueAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Factory.CreateClient().PostAsync("/api/v1/trust-list/rotate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await issuer.PostAsync("/api/v1/trust-list/rotate", null)).StatusCode);

        var recorder = new RecordingAuditTrail();
        using var audited = Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IAuditTrail>(recorder)));
        var admin = audited.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", Factory.Tokens.First(t => t.Value.ContainsKey("admin")).Value["admin"]);
        var rotated = await admin.PostAsync("/api/v1/trust-list/rotate", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var keyId = (string)(await rotated.Content.ReadFromJsonAsync<JsonObject>())!["keyId"]!;

        Assert.True(TrustList.TryParse(await Factory.CreateClient().GetStringAsync("/api/v1/trust-list"), out var trust));
        Assert.Equal(PresentationKeyStatus.Active, trust.FindPayloadKey(keyId)!.Status);
        Assert.Contains(trust.Keys, k => k.Status == PresentationKeyStatus.Retired);
        var entry = Assert.Single(recorder.Entries, e => e.Action == AuditActions.KeyRotate);
        Assert.Equal(AuditOutcome.Success, entry.Outcome);
        Assert.Contains(keyId, entry.Detail, StringComparison.Ordinal);
    }

    // SQLite only: VerificationService's static compiled query cannot serve a SQLite and a PostgreSQL model in one test process.
    [Fact]
    public async Task The_verification_endpoint_checks_a_scanned_payload_and_fails_a_forged_one()
    {
        var (id, issuer) = await IssueAsync();
        var text = (string)(await issuer.GetFromJsonAsync<JsonObject>($"/api/v1/licenses/{id}/offline-payload"))!["payload"]!;
        var verifier = Factory.ClientFor("11500000MB1501018N", "verifier");

        var report = await VerifyAsync(verifier, text);
        Assert.Equal("TOTAL-PASSED", (string?)report["indication"]);
        Assert.Equal("PASSED", Check(report, OfflineQrPayloadResolver.SignatureCheck));
        Assert.Equal("PASSED", Check(report, OfflineQrPayloadResolver.ContentCheck));

        // The same fields signed by another key (not the registry's): the license exists, the payload is forged.
        Assert.True(OfflinePayload.TryParse(text, out var parsed));
        using var foreign = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var forged = OfflinePayload.Create(parsed.Fields, body => foreign.SignData(body, System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence));
        var refused = await VerifyAsync(verifier, forged.Text);
        Assert.Equal("TOTAL-FAILED", (string?)refused["indication"]);
        Assert.Equal("FAILED", Check(refused, OfflineQrPayloadResolver.SignatureCheck));
    }

    private static async Task<JsonObject> VerifyAsync(HttpClient client, string payload)
    {
        var response = await client.PostAsync("/api/v1/verifications", Samples.Json(new JsonObject { ["qrPayload"] = payload }));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!["report"]!.AsObject();
    }

    private static string? Check(JsonObject report, string id) =>
        (string?)report["registryChecks"]!.AsArray().Single(c => (string?)c!["id"] == id)!["result"];

    private sealed class RecordingAuditTrail : IAuditTrail
    {
        public List<AuditEntry> Entries { get; } = [];

        // Outbox events stay in the database: this test looks only at what is appended directly (the key rotation).
        public Task AppendOutboxAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<AuditedEvent> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
        {
            lock (Entries)
            {
                Entries.Add(entry);
                return Task.FromResult(new AuditedEvent(Entries.Count - 1, DateTimeOffset.UtcNow, entry, new string('0', 64)));
            }
        }

        public Task<IReadOnlyList<AuditedEvent>> ForHolderAsync(string holderCode, int skip, int take, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<AuditedEvent>>([]);
    }
}

public abstract class PresentationApiTests(RegistryApiFactory factory)
{
    protected RegistryApiFactory Factory => factory;

    protected async Task<(string Id, HttpClient Issuer)> IssueAsync()
    {
        var body = Samples.License("business-license-1.json");
        body["证照编号"] = "QR" + Guid.NewGuid().ToString("N")[..18].ToUpperInvariant();
        var client = Factory.ClientFor(Samples.IssuerOf(body), "issuer");
        var pushed = await client.PostAsync("/api/v1/licenses", Samples.Json(body));
        Assert.True(pushed.StatusCode == HttpStatusCode.Created, await pushed.Content.ReadAsStringAsync());
        return ((string)(await pushed.Content.ReadFromJsonAsync<JsonObject>())!["licenseId"]!, client);
    }

    [Fact]
    public async Task Anyone_verifies_a_license_QR_offline_with_the_published_trust_and_status_lists()
    {
        var (id, issuer) = await IssueAsync();
        var payload = await issuer.GetFromJsonAsync<JsonObject>($"/api/v1/licenses/{id}/offline-payload");
        var text = (string)payload!["payload"]!;

        var anonymous = Factory.CreateClient();
        Assert.True(TrustList.TryParse(await anonymous.GetStringAsync("/api/v1/trust-list"), out var trust));
        Assert.True(OfflinePayload.TryParse(text, out var parsed));
        Assert.True(StatusList.TryParse(await anonymous.GetStringAsync($"/api/v1/status-lists/{parsed.Fields.StatusListId}"), out var list));

        var report = OfflinePayloadVerifier.Verify(text, trust, list, DateTimeOffset.UtcNow);
        Assert.True(report.Verdict == Indication.TotalPassed, string.Join("; ", report.Checks.Select(c => $"{c.Name} {c.Result} {c.Detail}")));
    }

    [Fact]
    public async Task Another_issuer_cannot_read_a_license_payload_and_anonymous_callers_are_refused()
    {
        var (id, _) = await IssueAsync();
        var other = Factory.ClientFor("11500000MB1507014M", "issuer");

        var response = await other.GetAsync($"/api/v1/licenses/{id}/offline-payload");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Factory.CreateClient().GetAsync($"/api/v1/licenses/{id}/offline-payload")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_status_list_is_a_404_problem()
    {
        var response = await Factory.CreateClient().GetAsync("/api/v1/status-lists/999999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:elic:problem:status-list-not-found", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["type"]);
    }

    [Fact]
    public async Task Concurrent_pushes_get_distinct_status_entries_and_payloads()
    {
        var issued = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => IssueAsync()));

        var entries = await Factory.QueryAsync(db => db.StatusListEntries.AsNoTracking().Include(e => e.Version).ToListAsync());
        var ours = entries.Where(e => issued.Any(i => i.Id == e.Version!.LicenseId.Value)).ToList();
        Assert.Equal(8, ours.Count);
        Assert.Equal(8, ours.Select(e => (e.StatusListId, e.Index)).Distinct().Count());
        Assert.All(ours, e => Assert.True(OfflinePayload.TryParse(e.OfflinePayload, out var p) && p.Fields.StatusIndex == (uint)e.Index));
        var lists = await Factory.QueryAsync(db => db.StatusLists.AsNoTracking().ToListAsync());
        Assert.All(ours, e => Assert.Equal(StatusListValue.Valid, StatusBits.Get(lists.Single(l => l.Id == e.StatusListId).Bits, e.Index)));
        Assert.All(ours, e => Assert.True(StatusBits.IsAllocated(lists.Single(l => l.Id == e.StatusListId).Allocated, e.Index)));
    }
}
