using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ElectronicLicense.Api.Tests.Infrastructure;

namespace ElectronicLicense.Api.Tests.Sharing;

public sealed class SqliteSharingFixture : IDisposable
{
    public SharingHost Host { get; } = new(Database.Sqlite);

    public void Dispose() => Host.Dispose();
}

public sealed class PostgresSharingFixture : IDisposable
{
    public SharingHost Host { get; } = new(Database.PostgreSql);

    public void Dispose() => Host.Dispose();
}

public sealed class SqliteSharingApiTests(SqliteSharingFixture fixture) : SharingApiTests(fixture.Host), IClassFixture<SqliteSharingFixture>;

public sealed class PostgresSharingApiTests(PostgresSharingFixture fixture) : SharingApiTests(fixture.Host), IClassFixture<PostgresSharingFixture>;

/// <summary>授权共享 over HTTP: grants, field-minimised reads, revocation, duty access, 亮证 and the holder's access log; on SQLite and PostgreSQL.</summary>
public abstract class SharingApiTests(SharingHost host)
{
    private const string DrivingLicence = "11100000000013338W004";
    private const string DrivingSample = "motor-vehicle-driving-licence-1.json";

    private static object GrantBody(string grantee, int maxUses = 5, string[]? fields = null, string[]? types = null, DateTimeOffset? notAfter = null) => new
    {
        grantee,
        licenseTypes = types ?? [DrivingLicence],
        fields = fields ?? ["准驾车型", "有效期截止日期"],
        purpose = new { itemCode = "500000-000201-001", serialNumber = "SN-" + Guid.NewGuid().ToString("N")[..8] },
        notAfter = notAfter ?? DateTimeOffset.UtcNow.AddDays(7),
        maxUses,
    };

    private static async Task<string> CreateGrantAsync(HttpClient holder, object body)
    {
        var response = await holder.PostAsJsonAsync("/api/v1/grants", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task Grant_read_revoke_story_shows_exactly_the_granted_fields_and_ends_in_the_access_log()
    {
        var licenseId = await host.PushAsync(DrivingSample);
        var holder = await host.HolderAsync(SharingHost.Driver);
        var mine = await holder.GetFromJsonAsync<JsonArray>("/api/v1/holders/me/licenses");
        Assert.Contains(mine!, l => (string)l!["licenseId"]! == licenseId);

        var grantId = await CreateGrantAsync(holder, GrantBody(SharingHost.CivilAffairs));
        var b = host.Department(SharingHost.CivilAffairs, "verifier");

        var listed = await b.GetFromJsonAsync<JsonArray>($"/api/v1/shared/licenses?grant={grantId}");
        Assert.Contains(listed!, l => (string)l!["licenseId"]! == licenseId);

        var response = await b.GetAsync($"/api/v1/shared/licenses/{licenseId}?grant={grantId}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var read = JsonNode.Parse(text)!.AsObject();
        var fields = read["fields"]!.AsObject();
        Assert.Equal(new[] { "准驾车型", "有效期截止日期" }.Order(StringComparer.Ordinal), fields.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.Equal("C1", (string)fields["准驾车型"]!);
        Assert.Equal("2032-06-18", (string)fields["有效期截止日期"]!);
        Assert.Equal("5001**********0159", (string)read["masked"]!["持证主体代码"]!);
        Assert.Equal("grant", (string)read["basis"]!);

        // Nothing else of the holder leaves: not the full id, the address, the name or the file number.
        Assert.DoesNotContain(SharingHost.Driver, text, StringComparison.Ordinal);
        Assert.DoesNotContain("金龙路", text, StringComparison.Ordinal);
        Assert.DoesNotContain("何俊杰", text, StringComparison.Ordinal);
        Assert.DoesNotContain("500100827364", text, StringComparison.Ordinal);

        var revoked = await holder.PostAsync($"/api/v1/grants/{grantId}/revoke", null);
        Assert.Equal("revoked", (string)(await revoked.Content.ReadFromJsonAsync<JsonObject>())!["state"]!);

        var refused = await ProblemAsync(await b.GetAsync($"/api/v1/shared/licenses/{licenseId}?grant={grantId}"), HttpStatusCode.Forbidden);
        Assert.Equal("grant-not-usable", (string)refused["code"]!);

        var log = (await holder.GetFromJsonAsync<JsonArray>("/api/v1/holders/me/access-log"))!.Select(e => e!.AsObject()).ToArray();
        var shares = log.Where(e => (string)e["action"]! == "license.share" && (string?)e["grantId"] == grantId && (string?)e["licenseId"] == licenseId).ToArray();
        Assert.Equal(["denied", "success"], shares.Select(e => (string)e["outcome"]!).ToArray()); // newest first
        Assert.All(shares, e =>
        {
            Assert.Equal(SharingHost.CivilAffairs, (string)e["department"]!);
            Assert.Equal("重庆市民政局", (string)e["departmentName"]!);
            Assert.Equal("500000-000201-001", (string)e["purpose"]!);
            Assert.Matches("^[0-9a-f]{64}$", (string)e["leafHash"]!);
        });
        Assert.Equal(["准驾车型", "有效期截止日期"], shares[1]["fields"]!.AsArray().Select(f => (string)f!).ToArray());
        Assert.Contains(log, e => (string)e["action"]! == "grant.create" && (string?)e["grantId"] == grantId);
        Assert.Contains(log, e => (string)e["action"]! == "grant.revoke" && (string?)e["grantId"] == grantId);
        Assert.Equal(log.Length, log.Select(e => (long)e["leafIndex"]!).Distinct().Count());
    }

    [Fact]
    public async Task A_grant_reaches_neither_other_departments_nor_other_holders_licenses()
    {
        var own = await host.PushAsync(DrivingSample);
        var other = await host.PushAsync(DrivingSample, SharingHost.OtherCitizen);
        var holder = await host.HolderAsync(SharingHost.Driver);
        var grantId = await CreateGrantAsync(holder, GrantBody(SharingHost.CivilAffairs));

        var c = host.Department(SharingHost.MarketRegulator, "verifier");
        var notC = await ProblemAsync(await c.GetAsync($"/api/v1/shared/licenses/{own}?grant={grantId}"), HttpStatusCode.NotFound);
        Assert.Equal("grant-not-found", (string)notC["code"]!);

        var b = host.Department(SharingHost.CivilAffairs, "verifier");
        var notOther = await ProblemAsync(await b.GetAsync($"/api/v1/shared/licenses/{other}?grant={grantId}"), HttpStatusCode.Forbidden);
        Assert.Equal("not-authorised", (string)notOther["code"]!);

        // Without a grant, a 有条件共享 type is not readable at all.
        await ProblemAsync(await b.GetAsync($"/api/v1/shared/licenses/{own}"), HttpStatusCode.Forbidden);

        // Another holder cannot see or revoke the grant.
        var stranger = await host.HolderAsync(SharingHost.OtherCitizen);
        await ProblemAsync(await stranger.GetAsync($"/api/v1/grants/{grantId}"), HttpStatusCode.NotFound);
        await ProblemAsync(await stranger.PostAsync($"/api/v1/grants/{grantId}/revoke", null), HttpStatusCode.NotFound);
        Assert.DoesNotContain((await stranger.GetFromJsonAsync<JsonArray>("/api/v1/grants"))!, g => (string)g!["id"]! == grantId);

        // The attempt on the other holder's license shows in that holder's log, not in the grantor's.
        var strangerLog = await stranger.GetFromJsonAsync<JsonArray>("/api/v1/holders/me/access-log");
        Assert.Contains(strangerLog!, e => (string?)e!["licenseId"] == other && (string)e["outcome"]! == "denied");
        var grantorLog = await holder.GetFromJsonAsync<JsonArray>("/api/v1/holders/me/access-log");
        Assert.DoesNotContain(grantorLog!, e => (string?)e!["licenseId"] == other);
    }

    [Fact]
    public async Task Concurrent_reads_never_exceed_maxUses()
    {
        var licenseId = await host.PushAsync(DrivingSample);
        var holder = await host.HolderAsync(SharingHost.Driver);
        var grantId = await CreateGrantAsync(holder, GrantBody(SharingHost.CivilAffairs, maxUses: 3));
        var b = host.Department(SharingHost.CivilAffairs, "verifier");

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => b.GetAsync($"/api/v1/shared/licenses/{licenseId}?grant={grantId}")));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.Forbidden));
        var grant = await holder.GetFromJsonAsync<JsonObject>($"/api/v1/grants/{grantId}");
        Assert.Equal(3, (int)grant!["uses"]!);
        Assert.Equal("exhausted", (string)grant["state"]!);
    }

    [Fact]
    public async Task A_grant_stops_working_when_its_window_ends()
    {
        var licenseId = await host.PushAsync(DrivingSample);
        var holder = await host.HolderAsync(SharingHost.Driver);
        var grantId = await CreateGrantAsync(holder, GrantBody(SharingHost.CivilAffairs, notAfter: host.Clock.GetUtcNow().AddHours(2)));
        var b = host.Department(SharingHost.CivilAffairs, "verifier");
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync($"/api/v1/shared/licenses/{licenseId}?grant={grantId}")).StatusCode);

        host.Clock.Offset = TimeSpan.FromHours(3);
        try
        {
            var problem = await ProblemAsync(await b.GetAsync($"/api/v1/shared/licenses/{licenseId}?grant={grantId}"), HttpStatusCode.Forbidden);
            Assert.Equal("grant-not-usable", (string)problem["code"]!);
            Assert.Contains("ended", (string)problem["detail"]!, StringComparison.Ordinal);
        }
        finally
        {
            host.Clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Grants_for_not_shared_types_or_unknown_fields_are_refused_naming_the_field()
    {
        var holder = await host.HolderAsync(SharingHost.Driver);

        var notShared = await ProblemAsync(await holder.PostAsJsonAsync("/api/v1/grants",
            GrantBody(SharingHost.CivilAffairs, fields: ["性别"], types: ["11100000MB0000537W002"])), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/licenseTypes/0", (string)notShared["errors"]![0]!["pointer"]!);

        var unknown = await ProblemAsync(await holder.PostAsJsonAsync("/api/v1/grants",
            GrantBody(SharingHost.CivilAffairs, fields: ["准驾车型", "血型"])), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/fields/1", (string)unknown["errors"]![0]!["pointer"]!);

        var nobody = await ProblemAsync(await holder.PostAsJsonAsync("/api/v1/grants", GrantBody("91500103MAQJWYLF5X")), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/grantee", (string)nobody["errors"]![0]!["pointer"]!);
    }

    [Fact]
    public async Task The_document_is_shared_only_when_granted_explicitly()
    {
        var licenseId = await host.PushAsync(DrivingSample);
        var holder = await host.HolderAsync(SharingHost.Driver);
        var b = host.Department(SharingHost.CivilAffairs, "verifier");

        var fieldsOnly = await CreateGrantAsync(holder, GrantBody(SharingHost.CivilAffairs));
        await ProblemAsync(await b.GetAsync($"/api/v1/shared/licenses/{licenseId}/document?grant={fieldsOnly}&format=pdf"), HttpStatusCode.Forbidden);

        var withDocument = await CreateGrantAsync(holder, GrantBody(SharingHost.CivilAffairs, fields: ["证照文件"]));
        var document = await b.GetAsync($"/api/v1/shared/licenses/{licenseId}/document?grant={withDocument}&format=pdf");
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        var bytes = await document.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF-"u8.ToArray(), bytes[..5]);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), document.Headers.GetValues("X-Content-SHA256").Single());
    }

    [Fact]
    public async Task Duty_access_needs_basis_officer_and_case_and_is_shown_to_the_holder()
    {
        var licenseId = await host.PushAsync(DrivingSample);
        var police = host.Department("11500000MB1501018N", "verifier");

        var missing = await ProblemAsync(await police.GetAsync($"/api/v1/duty/licenses/{licenseId}"), HttpStatusCode.BadRequest);
        Assert.Equal("duty-basis-required", (string)missing["code"]!);
        Assert.Equal(["/legalBasis", "/officerId", "/caseNumber"], missing["errors"]!.AsArray().Select(e => (string)e!["pointer"]!).ToArray());

        using var partial = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/duty/licenses/{licenseId}");
        partial.Headers.Add("X-Legal-Basis", "道路交通安全法第九十五条");
        partial.Headers.Add("X-Officer-Id", "警号 013579");
        var onlyCase = await ProblemAsync(await police.SendAsync(partial), HttpStatusCode.BadRequest);
        Assert.Equal("/caseNumber", (string)Assert.Single(onlyCase["errors"]!.AsArray())!["pointer"]!);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/duty/licenses/{licenseId}");
        request.Headers.Add("X-Legal-Basis", "道路交通安全法第九十五条");
        request.Headers.Add("X-Officer-Id", "警号 013579");
        request.Headers.Add("X-Case-Number", "渝公交 2026-0042");
        var read = await police.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("duty", (string)(await read.Content.ReadFromJsonAsync<JsonObject>())!["basis"]!);

        var holder = await host.HolderAsync(SharingHost.Driver);
        var log = await holder.GetFromJsonAsync<JsonArray>("/api/v1/holders/me/access-log");
        var duty = log!.Select(e => e!.AsObject()).Where(e => (string)e["action"]! == "license.duty-access" && (string?)e["licenseId"] == licenseId).ToArray();
        Assert.Contains(duty, e => (string)e["outcome"]! == "success" && (string)e["legalBasis"]! == "道路交通安全法第九十五条"
            && (string)e["officerId"]! == "警号 013579" && (string)e["caseNumber"]! == "渝公交 2026-0042");
        Assert.Contains(duty, e => (string)e["outcome"]! == "denied");
    }

    [Fact]
    public async Task Not_shared_types_are_shown_neither_by_duty_nor_by_code()
    {
        var licenseId = await host.PushAsync("medical-death-certificate-1.json");
        var police = host.Department("11500000MB1501018N", "verifier");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/duty/licenses/{licenseId}");
        request.Headers.Add("X-Legal-Basis", "刑事诉讼法第五十四条");
        request.Headers.Add("X-Officer-Id", "警号 024680");
        request.Headers.Add("X-Case-Number", "渝公刑 2026-0007");
        await ProblemAsync(await police.SendAsync(request), HttpStatusCode.Forbidden);

        var holder = await host.HolderAsync("500103194603120417");
        await ProblemAsync(await holder.PostAsJsonAsync("/api/v1/presentations", new { licenseId }), HttpStatusCode.Forbidden);

        // Duty access is for verifier credentials only.
        var driving = await host.PushAsync(DrivingSample);
        using var asIssuer = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/duty/licenses/{driving}");
        asIssuer.Headers.Add("X-Legal-Basis", "道路交通安全法第九十五条");
        asIssuer.Headers.Add("X-Officer-Id", "警号 013579");
        asIssuer.Headers.Add("X-Case-Number", "渝公交 2026-0043");
        await ProblemAsync(await host.Department(SharingHost.TrafficPolice, "issuer").SendAsync(asIssuer), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Unconditional_types_are_readable_by_verifiers_without_a_grant()
    {
        var licenseId = await host.PushAsync("business-license-1.json");
        var verifier = host.Department(SharingHost.CivilAffairs, "verifier");
        var read = await verifier.GetFromJsonAsync<JsonObject>($"/api/v1/shared/licenses/{licenseId}");
        Assert.Equal("unconditional", (string)read!["basis"]!);
        Assert.Equal("重庆山城巷味餐饮管理有限公司", (string)read["fields"]!["名称"]!);

        var issuerRole = host.Department(SharingHost.CivilAffairs, "issuer");
        await ProblemAsync(await issuerRole.GetAsync($"/api/v1/shared/licenses/{licenseId}"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_presentation_code_is_redeemed_once_and_hides_sensitive_fields()
    {
        var licenseId = await host.PushAsync(DrivingSample);
        var holder = await host.HolderAsync(SharingHost.Driver);
        var created = await holder.PostAsJsonAsync("/api/v1/presentations", new { licenseId });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var presentation = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var code = (string)presentation["code"]!;
        Assert.Matches("^[A-Z2-7]{32}$", code);
        Assert.StartsWith("<svg", ((string)presentation["qrSvg"]!).TrimStart(), StringComparison.Ordinal);

        var verifier = host.Department(SharingHost.CivilAffairs, "verifier");
        var first = await verifier.PostAsJsonAsync("/api/v1/presentations/redeem", new { code });
        var text = await first.Content.ReadAsStringAsync();
        Assert.True(first.StatusCode == HttpStatusCode.OK, text);
        var shown = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("valid", (string)shown["status"]!);
        Assert.Equal("C1", (string)shown["fields"]!["准驾车型"]!);
        Assert.Null(shown["fields"]!["住址"]);
        Assert.Null(shown["fields"]!["档案编号"]);
        Assert.Equal("5001**********0159", (string)shown["masked"]!["持证主体代码"]!);
        Assert.DoesNotContain("金龙路", text, StringComparison.Ordinal);

        var second = await ProblemAsync(await verifier.PostAsJsonAsync("/api/v1/presentations/redeem", new { code }), HttpStatusCode.Gone);
        Assert.Equal("presentation-gone", (string)second["code"]!);

        // The QR payload redeems like the bare code.
        var scanned = (await (await holder.PostAsJsonAsync("/api/v1/presentations", new { licenseId })).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("urn:elic:presentation:" + (string)scanned["code"]!, (string)scanned["qrPayload"]!);
        Assert.Equal(HttpStatusCode.OK, (await verifier.PostAsJsonAsync("/api/v1/presentations/redeem", new { code = (string)scanned["qrPayload"]! })).StatusCode);

        // Expiry: a code made now is gone once its five minutes have passed.
        var late = (string)(await (await holder.PostAsJsonAsync("/api/v1/presentations", new { licenseId })).Content.ReadFromJsonAsync<JsonObject>())!["code"]!;
        host.Clock.Offset = TimeSpan.FromMinutes(6);
        try
        {
            await ProblemAsync(await verifier.PostAsJsonAsync("/api/v1/presentations/redeem", new { code = late }), HttpStatusCode.Gone);
        }
        finally
        {
            host.Clock.Offset = TimeSpan.Zero;
        }

        await ProblemAsync(await verifier.PostAsJsonAsync("/api/v1/presentations/redeem", new { code = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }), HttpStatusCode.NotFound);

        // Someone else's license cannot be presented.
        var stranger = await host.HolderAsync(SharingHost.OtherCitizen);
        await ProblemAsync(await stranger.PostAsJsonAsync("/api/v1/presentations", new { licenseId }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Holder_and_department_tokens_only_open_their_own_endpoints()
    {
        var holder = await host.HolderAsync(SharingHost.Driver);
        var department = host.Department(SharingHost.CivilAffairs, "verifier");

        Assert.Equal("forbidden", (string)(await ProblemAsync(await holder.PostAsJsonAsync("/api/v1/licenses/search", new { holderCode = SharingHost.Driver }), HttpStatusCode.Forbidden))["code"]!);
        await ProblemAsync(await holder.GetAsync("/api/v1/shared/licenses?grant=00000000000000000000000000000000"), HttpStatusCode.Forbidden);
        await ProblemAsync(await department.GetAsync("/api/v1/grants"), HttpStatusCode.Forbidden);
        await ProblemAsync(await department.GetAsync("/api/v1/holders/me/access-log"), HttpStatusCode.Forbidden);
        await ProblemAsync(await host.Anonymous().GetAsync("/api/v1/holders/me/licenses"), HttpStatusCode.Unauthorized);
        await ProblemAsync(await host.Anonymous().GetAsync("/api/v1/shared/licenses?grant=x"), HttpStatusCode.Unauthorized);

        // The holder's refused attempt is in their own log, with the route but not the values sent.
        var log = await holder.GetFromJsonAsync<JsonArray>("/api/v1/holders/me/access-log");
        Assert.Contains(log!, e => (string)e!["action"]! == "access.denied" && (string)e["outcome"]! == "denied"
            && (string)e["detail"]! == "403 POST /api/v1/licenses/search");
    }

    [Fact]
    public async Task Tokens_from_an_unknown_key_or_for_invalid_holders_are_rejected()
    {
        using var foreignKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var forged = HolderTokens.Create(foreignKey, "urn:elic:dev-holder-idp", SharingHost.Driver);
        var client = host.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", forged);
        await ProblemAsync(await client.GetAsync("/api/v1/holders/me/licenses"), HttpStatusCode.Unauthorized);

        var invalid = await ProblemAsync(await host.Anonymous().PostAsJsonAsync("/api/v1/dev/holder-tokens", new { holderCode = "500112198802140158" }), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/holderCode", (string)invalid["errors"]![0]!["pointer"]!);
        Assert.DoesNotContain("500112198802140158", invalid.ToJsonString(), StringComparison.Ordinal);

        // A legal entity acts through an agent, whose code must be valid.
        var noAgent = await host.Anonymous().PostAsJsonAsync("/api/v1/dev/holder-tokens", new { holderCode = "91500103MAQJWYLF5X" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noAgent.StatusCode);
        var company = await host.HolderAsync("91500103MAQJWYLF5X", SharingHost.Driver);
        Assert.Equal(HttpStatusCode.OK, (await company.GetAsync("/api/v1/holders/me/licenses")).StatusCode);
    }
}
