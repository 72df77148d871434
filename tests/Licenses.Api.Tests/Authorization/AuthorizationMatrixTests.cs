using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Api.Tests.Authorization;

/// <summary>
/// Every caller (issuer, verifier, archivist, admin, holder, anonymous) against every endpoint of the API: allowed calls
/// work, refused ones get 401/403 problem details and leave an <c>access.denied</c> audit event; and no department or
/// holder reads another holder's data without a grant or a duty basis.
/// </summary>
public sealed class AuthorizationMatrixTests(MatrixHost host) : IClassFixture<MatrixHost>
{
    public static TheoryData<string, Caller> Cases()
    {
        var data = new TheoryData<string, Caller>();
        foreach (var rule in AuthorizationMatrix.Rules)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                data.Add(rule.Key, caller);
            }
        }

        return data;
    }

    [Fact]
    public void The_matrix_lists_exactly_the_endpoints_the_API_maps()
    {
        var mapped = host.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .Where(e => !e.Contains(" /openapi", StringComparison.Ordinal) && !e.EndsWith(" /", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        var listed = AuthorizationMatrix.Rules.Select(r => $"{r.Method} {r.Pattern}").ToHashSet(StringComparer.Ordinal);

        Assert.True(mapped.Count > 40, $"only {mapped.Count} endpoints found: the enumeration is broken");
        Assert.Empty(mapped.Except(listed).Order(StringComparer.Ordinal)); // a new endpoint must get rows in the matrix
        Assert.Empty(listed.Except(mapped).Order(StringComparer.Ordinal)); // a row must name a real endpoint
        Assert.Equal(AuthorizationMatrix.Rules.Count, AuthorizationMatrix.Rules.Select(r => r.Key).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_caller_gets_what_the_matrix_says(string key, Caller caller)
    {
        var rule = AuthorizationMatrix.Rules.Single(r => r.Key == key);
        var allowed = rule.Allowed.Contains(caller);
        var request = await rule.Request(new MatrixCall(host, caller, allowed));
        var before = await host.AuditSizeAsync();

        var response = await host.SendAsync(caller, request);
        var body = await response.Content.ReadAsStringAsync();

        if (allowed)
        {
            Assert.True(response.StatusCode == rule.Success, $"{key} as {caller}: expected {(int)rule.Success}, got {(int)response.StatusCode} {body}");
            return;
        }

        var status = caller == Caller.Anonymous ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
        Assert.True(response.StatusCode == status, $"{key} as {caller}: expected {(int)status}, got {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal((int)status, (int)problem["status"]!);

        // The refusal is in the audit log, naming the endpoint and (for a department) the caller.
        var after = await host.AuditSizeAsync();
        var denied = (await host.AuditEntriesAsync(before, after)).Where(e => (string?)e["action"] == "access.denied").ToArray();
        Assert.True(denied.Length == 1, $"{key} as {caller}: {denied.Length} access.denied events among {after - before} new events");
        var detail = ((string)denied[0]["detail"]!).Split(' ', 3);
        Assert.Equal([((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), rule.Method, rule.Pattern],
            [detail[0], detail[1], Normalize(detail[2])]);
        if (MatrixHost.IsDepartment(caller))
        {
            Assert.Equal(MatrixHost.DepartmentOf(caller), (string?)denied[0]["department"]);
            Assert.Equal(MatrixHost.Name(caller), (string?)denied[0]["role"]);
        }
    }

    [Fact]
    public async Task A_department_without_a_grant_or_duty_basis_reads_nothing_of_a_holder()
    {
        var license = host.DrivingLicence;
        var verifier = Caller.Verifier;

        // No grant: neither the registry read nor the shared read of a 有条件共享 type.
        await AssertProblemAsync(await host.SendAsync(verifier, Get($"/api/v1/licenses/{license}")), HttpStatusCode.Forbidden, "not-authorised");
        await AssertProblemAsync(await host.SendAsync(verifier, Get($"/api/v1/licenses/{license}/document?format=pdf")), HttpStatusCode.Forbidden, "not-authorised");
        await AssertProblemAsync(await host.SendAsync(verifier, new HttpRequestMessage(HttpMethod.Post, "/api/v1/licenses/search")
        {
            Content = JsonContent.Create(new { holderCode = MatrixHost.Driver }),
        }), HttpStatusCode.Forbidden, "not-authorised");
        await AssertProblemAsync(await host.SendAsync(verifier, Get($"/api/v1/shared/licenses/{license}")), HttpStatusCode.Forbidden, "not-authorised");

        // A duty read without its basis is refused before anything is read.
        await AssertProblemAsync(await host.SendAsync(verifier, Get($"/api/v1/duty/licenses/{license}")), HttpStatusCode.BadRequest, "duty-basis-required");

        // A grant of another holder does not reach this holder's license.
        var otherHolders = await host.GrantAsync(MatrixHost.OtherCitizen, MatrixHost.CivilAffairs);
        await AssertProblemAsync(await host.SendAsync(verifier, Get($"/api/v1/shared/licenses/{license}?grant={otherHolders}")), HttpStatusCode.Forbidden, "not-authorised");
        await AssertProblemAsync(await host.SendAsync(verifier, Get($"/api/v1/shared/licenses/{license}/document?grant={otherHolders}&format=pdf")),
            HttpStatusCode.Forbidden, "not-authorised");
        var listed = await MatrixHost.ReadJsonAsync<JsonArray>(await host.SendAsync(verifier, Get($"/api/v1/shared/licenses?grant={otherHolders}")));
        Assert.DoesNotContain(listed, l => (string)l!["licenseId"]! == license);

        // A grant of this holder to another department is not the caller's to use (every role of the caller's department tried).
        var toPlanning = host.Grants[Caller.Archivist];
        foreach (var role in new[] { Caller.Issuer, Caller.Verifier })
        {
            await AssertProblemAsync(await host.SendAsync(role, Get($"/api/v1/shared/licenses/{license}?grant={toPlanning}")), HttpStatusCode.NotFound, "grant-not-found");
            await AssertProblemAsync(await host.SendAsync(role, Get($"/api/v1/shared/licenses/{license}/document?grant={toPlanning}&format=pdf")),
                HttpStatusCode.NotFound, "grant-not-found");
            await AssertProblemAsync(await host.SendAsync(role, Get($"/api/v1/shared/licenses?grant={toPlanning}")), HttpStatusCode.NotFound, "grant-not-found");
        }

        // Every one of these attempts on the holder's license is in the holder's access log, as refused.
        var log = await MatrixHost.ReadJsonAsync<JsonArray>(await host.SendAsync(Caller.Holder, Get("/api/v1/holders/me/access-log?take=1000")));
        var refused = log.Select(e => e!.AsObject())
            .Where(e => (string?)e["department"] == MatrixHost.CivilAffairs && (string)e["outcome"]! == "denied" && (string?)e["licenseId"] == license).ToArray();
        Assert.True(refused.Length >= 4, $"{refused.Length} refused reads of the license in the holder's log");
    }

    [Fact]
    public async Task What_a_verifier_may_call_without_a_grant_carries_no_holder_data()
    {
        var license = host.DrivingLicence;
        var responses = new[]
        {
            await host.SendAsync(Caller.Verifier, new HttpRequestMessage(HttpMethod.Post, "/api/v1/verifications") { Content = JsonContent.Create(new { licenseId = license }) }),
            await host.SendAsync(Caller.Verifier, Get($"/api/v1/verifications/{await host.ReceiptAsync(Caller.Verifier)}/report")),
            await host.SendAsync(Caller.Verifier, Get($"/api/v1/licenses/{license}/offline-payload")),
        };

        foreach (var response in responses)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            Assert.DoesNotContain(MatrixHost.Driver, text, StringComparison.Ordinal);
            Assert.DoesNotContain("何俊杰", text, StringComparison.Ordinal);
            Assert.DoesNotContain("金龙路", text, StringComparison.Ordinal);
            Assert.DoesNotContain("500100827364", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Forged_or_unknown_credentials_are_refused_as_anonymous_and_audited()
    {
        using var foreign = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var forgedHolder = Sharing.HolderTokens.Create(foreign, "urn:elic:dev-holder-idp", MatrixHost.Driver);
        var cases = new[]
        {
            ("/api/v1/holders/me/access-log", "/api/v1/holders/me/access-log", forgedHolder),
            ("/api/v1/grants", "/api/v1/grants", forgedHolder),
            ("/api/v1/me", "/api/v1/me", "not-a-registry-token"),
            ("/api/v1/audit/events/0", "/api/v1/audit/events/{index}", "not-a-registry-token"),
        };

        foreach (var (path, pattern, token) in cases)
        {
            var before = await host.AuditSizeAsync();
            var request = Get(path);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var response = await host.Factory.CreateClient().SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var entries = await host.AuditEntriesAsync(before, await host.AuditSizeAsync());
            Assert.True(entries.Any(e => (string?)e["action"] == "access.denied" && Normalize((string?)e["detail"] ?? string.Empty) == $"401 GET {pattern}"),
                $"{path}: {string.Join(", ", entries.Select(e => e.ToJsonString()))}");
            Assert.DoesNotContain(entries, e => e.ToJsonString().Contains(token, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_holder_reads_nothing_of_another_holder()
    {
        var stranger = MatrixHost.OtherCitizen;
        var grant = host.Grants[Caller.Verifier];

        await AssertProblemAsync(await host.SendAsHolderAsync(stranger, Get($"/api/v1/grants/{grant}")), HttpStatusCode.NotFound, "grant-not-found");
        await AssertProblemAsync(await host.SendAsHolderAsync(stranger, new HttpRequestMessage(HttpMethod.Post, $"/api/v1/grants/{grant}/revoke")),
            HttpStatusCode.NotFound, "grant-not-found");
        await AssertProblemAsync(await host.SendAsHolderAsync(stranger, new HttpRequestMessage(HttpMethod.Post, "/api/v1/presentations")
        {
            Content = JsonContent.Create(new { licenseId = host.DrivingLicence }),
        }), HttpStatusCode.NotFound, "license-not-found");

        var grants = await MatrixHost.ReadJsonAsync<JsonArray>(await host.SendAsHolderAsync(stranger, Get("/api/v1/grants")));
        Assert.DoesNotContain(grants, g => host.Grants.ContainsValue((string)g!["id"]!));
        var licenses = await MatrixHost.ReadJsonAsync<JsonArray>(await host.SendAsHolderAsync(stranger, Get("/api/v1/holders/me/licenses")));
        Assert.DoesNotContain(licenses, l => (string)l!["licenseId"]! == host.DrivingLicence);
        var log = await MatrixHost.ReadJsonAsync<JsonArray>(await host.SendAsHolderAsync(stranger, Get("/api/v1/holders/me/access-log?take=1000")));
        Assert.DoesNotContain(log, e => (string?)e!["licenseId"] == host.DrivingLicence || host.Grants.ContainsValue((string?)e["grantId"] ?? string.Empty));

        // The grant survived the stranger's attempt to revoke it, and the holder's own view is complete.
        var own = await MatrixHost.ReadJsonAsync<JsonObject>(await host.SendAsync(Caller.Holder, Get($"/api/v1/grants/{grant}")));
        Assert.Equal("active", (string)own["state"]!);
        var mine = await MatrixHost.ReadJsonAsync<JsonArray>(await host.SendAsync(Caller.Holder, Get("/api/v1/holders/me/licenses")));
        Assert.Contains(mine, l => (string)l!["licenseId"]! == host.DrivingLicence);
    }

    [Fact]
    public async Task A_legal_entity_and_its_agent_are_different_holders()
    {
        // The driver acting as the company's agent sees the company's licenses, not his own; acting for himself, the reverse.
        var asAgent = await MatrixHost.ReadJsonAsync<JsonArray>(await host.SendAsHolderAsync(MatrixHost.Company, Get("/api/v1/holders/me/licenses"), MatrixHost.Driver));
        Assert.Contains(asAgent, l => (string)l!["licenseId"]! == host.BusinessLicense);
        Assert.DoesNotContain(asAgent, l => (string)l!["licenseId"]! == host.DrivingLicence);
        var himself = await MatrixHost.ReadJsonAsync<JsonArray>(await host.SendAsync(Caller.Holder, Get("/api/v1/holders/me/licenses")));
        Assert.DoesNotContain(himself, l => (string)l!["licenseId"]! == host.BusinessLicense);

        await AssertProblemAsync(await host.SendAsHolderAsync(MatrixHost.Company, Get($"/api/v1/grants/{host.Grants[Caller.Verifier]}"), MatrixHost.Driver),
            HttpStatusCode.NotFound, "grant-not-found");
        await AssertProblemAsync(await host.SendAsHolderAsync(MatrixHost.Company, new HttpRequestMessage(HttpMethod.Post, "/api/v1/presentations")
        {
            Content = JsonContent.Create(new { licenseId = host.DrivingLicence }),
        }, MatrixHost.Driver), HttpStatusCode.NotFound, "license-not-found");
        var log = await MatrixHost.ReadJsonAsync<JsonArray>(await host.SendAsHolderAsync(MatrixHost.Company, Get("/api/v1/holders/me/access-log?take=1000"), MatrixHost.Driver));
        Assert.DoesNotContain(log, e => (string?)e!["licenseId"] == host.DrivingLicence);
    }

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage!.RequestUri!.PathAndQuery}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (string?)JsonNode.Parse(text)!["code"]);
    }

    private static string Normalize(string pattern) => pattern.Length > 1 ? pattern.TrimEnd('/') : pattern;
}
