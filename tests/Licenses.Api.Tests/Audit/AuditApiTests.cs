using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ElectronicLicense.Api.Tests.Infrastructure;
using ElectronicLicense.Licenses.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Api.Tests.Audit;

public abstract class AuditApiTests(RegistryApiFactory factory)
{
    private const string Holder = "11010519491231002X";

    private async Task<List<AuditedEvent>> AppendAsync(int count)
    {
        var trail = factory.Services.GetRequiredService<IAuditTrail>();
        var stored = new List<AuditedEvent>();
        for (var i = 0; i < count; i++)
        {
            stored.Add(await trail.AppendAsync(new AuditEntry
            {
                Action = AuditActions.Verify,
                Outcome = AuditOutcome.Success,
                ActorKind = AuditActorKind.Department,
                Department = "11500000MB1501018N",
                Role = "verifier",
                HolderCode = Holder,
                LicenseId = "lic-" + i,
                Detail = "TOTAL-PASSED",
            }));
        }

        return stored;
    }

    private HttpClient ClientWithRole(string role)
    {
        _ = factory.Server;
        var department = factory.Tokens.First(d => d.Value.ContainsKey(role)).Key;
        return factory.ClientFor(department, role);
    }

    [Fact]
    public async Task Anyone_can_fetch_the_signed_head_and_proofs_that_verify_with_the_published_key()
    {
        var stored = await AppendAsync(7);
        var anonymous = factory.CreateClient();
        var head = (await anonymous.GetFromJsonAsync<SignedTreeHead>("/api/v1/audit/tree-head"))!;
        Assert.True(head.TreeSize >= 7);

        using var key = ECDsa.Create();
        key.ImportFromPem(await anonymous.GetStringAsync("/api/v1/audit/public-key.pem"));
        Assert.True(head.VerifySignature(key));
        var keyInfo = (await anonymous.GetFromJsonAsync<JsonObject>("/api/v1/audit/public-key"))!;
        Assert.Equal(head.KeyId, (string)keyInfo["keyId"]!);

        foreach (var e in stored)
        {
            var proof = (await anonymous.GetFromJsonAsync<InclusionProof>($"/api/v1/audit/proofs/inclusion?index={e.Index}&treeSize={head.TreeSize}"))!;
            Assert.True(proof.Verify(Convert.FromHexString(e.LeafHash), head));
        }

        var earlier = (await anonymous.GetFromJsonAsync<SignedTreeHead>($"/api/v1/audit/tree-heads/{head.TreeSize}"))!;
        Assert.Equal(head.Signature, earlier.Signature);

        await AppendAsync(5);
        var later = (await anonymous.GetFromJsonAsync<SignedTreeHead>("/api/v1/audit/tree-head"))!;
        var consistency = (await anonymous.GetFromJsonAsync<ConsistencyProof>(
            $"/api/v1/audit/proofs/consistency?first={head.TreeSize}&second={later.TreeSize}"))!;
        Assert.True(consistency.Verify(head, later));
    }

    [Fact]
    public async Task Event_leaves_are_for_administrators_only()
    {
        var e = (await AppendAsync(1))[0];
        var path = $"/api/v1/audit/events/{e.Index}";

        var anonymous = await factory.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await ClientWithRole("verifier").GetAsync(path)).StatusCode);

        var view = (await ClientWithRole("admin").GetFromJsonAsync<JsonObject>(path))!;
        var leaf = Convert.FromBase64String((string)view["leaf"]!);
        Assert.Equal(e.LeafHash, (string)view["leafHash"]!);
        Assert.Equal(e.LeafHash, Convert.ToHexStringLower(SHA256.HashData([0x00, .. leaf])));
        Assert.Equal(Holder, (string)view["entry"]!["holderCode"]!);
        Assert.DoesNotContain(Holder, System.Text.Encoding.UTF8.GetString(leaf), StringComparison.Ordinal);

        var missing = await ClientWithRole("admin").GetAsync("/api/v1/audit/events/999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_holders_events_come_back_newest_first_with_their_readable_fields_on_this_database()
    {
        var holder = "110101199003070418";
        var trail = factory.Services.GetRequiredService<IAuditTrail>();
        var mine = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            mine.Add((await trail.AppendAsync(new AuditEntry
            {
                Action = AuditActions.Share,
                Outcome = AuditOutcome.Success,
                ActorKind = AuditActorKind.Department,
                HolderCode = holder,
                OfficerId = "officer-7",
                GrantId = "grant-" + i,
            })).Index);
            await AppendAsync(1);
        }

        var first = await trail.ForHolderAsync(holder, 0, 4);
        var rest = await trail.ForHolderAsync(holder, 4, 10);
        Assert.Equal(mine.AsEnumerable().Reverse(), first.Concat(rest).Select(e => e.Index));
        Assert.All(first, e => Assert.Equal("officer-7", e.Entry.OfficerId));
        Assert.Equal("grant-5", first[0].Entry.GrantId);
    }

    [Theory]
    [InlineData("/api/v1/audit/proofs/inclusion?treeSize=1", "/index")]
    [InlineData("/api/v1/audit/proofs/inclusion?index=abc&treeSize=1", "/index")]
    [InlineData("/api/v1/audit/proofs/inclusion?index=0&treeSize=-3", "/treeSize")]
    [InlineData("/api/v1/audit/proofs/inclusion?index=0&treeSize=99999999", "/treeSize")]
    [InlineData("/api/v1/audit/proofs/inclusion?index=5&treeSize=1", "/index")]
    [InlineData("/api/v1/audit/proofs/consistency?first=2&second=1", "/first")]
    [InlineData("/api/v1/audit/proofs/consistency?second=1", "/first")]
    [InlineData("/api/v1/audit/proofs/consistency?first=0&second=99999999", "/second")]
    [InlineData("/api/v1/audit/tree-heads/x", "/size")]
    public async Task Bad_parameters_get_400_naming_the_parameter(string url, string pointer)
    {
        await AppendAsync(2);
        var response = await factory.CreateClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("urn:elic:problem:invalid-parameter", (string)problem["type"]!);
        Assert.Equal(pointer, (string)problem["errors"]![0]!["pointer"]!);
    }
}

public sealed class SqliteAuditApiFixture : IDisposable
{
    public RegistryApiFactory Factory { get; } = new(Database.Sqlite);

    public void Dispose() => Factory.Dispose();
}

public sealed class PostgresAuditApiFixture : IDisposable
{
    public RegistryApiFactory Factory { get; } = new(Database.PostgreSql);

    public void Dispose() => Factory.Dispose();
}

public sealed class SqliteAuditApiTests(SqliteAuditApiFixture fixture) : AuditApiTests(fixture.Factory), IClassFixture<SqliteAuditApiFixture>;

public sealed class PostgresAuditApiTests(PostgresAuditApiFixture fixture) : AuditApiTests(fixture.Factory), IClassFixture<PostgresAuditApiFixture>;
