using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ElectronicLicense.Api.Tests.Infrastructure;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Api.Tests.Licenses;

/// <summary>Errors a department's developer meets: authentication, media types, limits, malformed bodies, failures mid-write.</summary>
public sealed class ApiContractTests : IClassFixture<SqliteFactoryFixture>
{
    private readonly RegistryApiFactory factory;

    public ApiContractTests(SqliteFactoryFixture fixture) => factory = fixture.Factory;

    private static JsonObject NewBusinessLicense()
    {
        var body = Samples.License("business-license-1.json");
        body["证照编号"] = "C" + Guid.NewGuid().ToString("N")[..16];
        return body;
    }

    private static async Task<JsonObject> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task Pushing_without_a_valid_token_is_unauthorised()
    {
        _ = factory.Server;
        var anonymous = factory.CreateClient();
        var forged = factory.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "elic_not-a-real-token");

        var none = await anonymous.PostAsync("/api/v1/licenses", Samples.Json(NewBusinessLicense()));
        var bad = await forged.PostAsync("/api/v1/licenses", Samples.Json(NewBusinessLicense()));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(401, (int)(await ProblemOf(bad))["status"]!);
        Assert.DoesNotContain("not-a-real-token", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verifier_credential_cannot_push()
    {
        var verifier = factory.ClientFor(Samples.MarketRegulator, "verifier");

        var response = await verifier.PostAsync("/api/v1/licenses", Samples.Json(NewBusinessLicense()));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_issuer_cannot_push_a_type_it_may_not_issue()
    {
        var police = factory.ClientFor("11500000MB1501018N", "issuer");
        var body = NewBusinessLicense();
        body.Remove("颁发机构代码");

        var response = await police.PostAsync("/api/v1/licenses", Samples.Json(body));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await ProblemOf(response);
        Assert.Equal("not-authorised", (string)problem["code"]!);
        Assert.Equal("/证照类型代码", (string)problem["errors"]![0]!["pointer"]!);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_with_415()
    {
        var client = factory.ClientFor(Samples.MarketRegulator, "issuer");

        var response = await client.PostAsync("/api/v1/licenses", new StringContent(NewBusinessLicense().ToJsonString(), Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", (string)(await ProblemOf(response))["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"证照编号\": ")]
    [InlineData("[1, 2]")]
    [InlineData("{\"证照编号\": \"A1\", \"证照编号\": \"A2\"}")]
    [InlineData("{} {}")]
    public async Task Malformed_json_is_a_400_that_says_where(string body)
    {
        var client = factory.ClientFor(Samples.MarketRegulator, "issuer");

        var response = await client.PostAsync("/api/v1/licenses", Samples.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed-json", (string)(await ProblemOf(response))["code"]!);
    }

    [Fact]
    public async Task A_body_over_the_configured_limit_is_refused_with_413()
    {
        using var small = new RegistryApiFactory(Database.Sqlite, new Dictionary<string, string> { ["Ingest:MaxBodyBytes"] = "2048" });
        var client = small.ClientFor(Samples.MarketRegulator, "issuer");
        var body = NewBusinessLicense();
        body["照面"]!["经营范围"] = new string('营', 3000);

        var response = await client.PostAsync("/api/v1/licenses", Samples.Json(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload-too-large", (string)(await ProblemOf(response))["code"]!);
    }

    [Fact]
    public async Task Validation_errors_never_echo_the_holders_data()
    {
        var body = NewBusinessLicense();
        var client = factory.ClientFor(Samples.IssuerOf(body), "issuer");
        var code = (string)body["持证主体代码"]!;
        body["持证主体代码"] = code[..17] + (code[17] == '0' ? '1' : '0');
        body["照面"]!["法定代表人"] = 12345;

        var response = await client.PostAsync("/api/v1/licenses", Samples.Json(body));

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.DoesNotContain(code[..17], text, StringComparison.Ordinal);
        Assert.DoesNotContain((string)body["持证主体"]!, text, StringComparison.Ordinal);
        var pointers = (await ProblemOf(response))["errors"]!.AsArray().Select(e => (string)e!["pointer"]!).ToArray();
        Assert.Equal(["/持证主体代码", "/照面/法定代表人"], pointers);
    }

    [Fact]
    public async Task A_database_failure_in_the_middle_of_a_push_stores_nothing_and_the_registry_stays_usable()
    {
        var failure = new FailOnStatusChangeInsert();
        using var failing = factory.WithWebHostBuilder(b => b.ConfigureServices(s =>
            s.ConfigureDbContext<RegistryDbContext>(o => o.AddInterceptors(failure))));
        var body = NewBusinessLicense();
        var client = failing.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", factory.Tokens[Samples.IssuerOf(body)]["issuer"]);
        var number = (string)body["证照编号"]!;

        var failed = await client.PostAsync("/api/v1/licenses", Samples.Json(body));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.True(failure.Triggered > 0);
        Assert.Equal(0, await factory.QueryAsync(db => db.Licenses.CountAsync(l => l.Number == number)));
        Assert.Equal(0, await factory.QueryAsync(db => db.LicenseVersions.CountAsync(v => !db.Licenses.Any(l => l.Id == v.LicenseRecordId))));

        failure.Enabled = false;
        var retried = await client.PostAsync("/api/v1/licenses", Samples.Json(body));
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
    }

    [Fact]
    public async Task The_catalog_is_served_without_credentials()
    {
        _ = factory.Server;
        var client = factory.CreateClient();

        var types = await client.GetFromJsonAsync<JsonArray>("/api/v1/catalog/types");
        var business = await client.GetFromJsonAsync<JsonObject>("/api/v1/catalog/types/11100000MB0000617G001");
        var unknown = await client.GetAsync("/api/v1/catalog/types/11100000000013338W999");

        Assert.True(types!.Count >= 25);
        Assert.Contains(types, t => (string)t!["name"]! == "营业执照");
        Assert.Equal("营业执照", (string)business!["type"]!["name"]!);
        Assert.Equal("object", (string)business["schema"]!["type"]!);
        Assert.Contains("名称", business["displayOrder"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var estate = await client.GetFromJsonAsync<JsonObject>("/api/v1/catalog/types/11100000MB0000780P001");
        Assert.Equal(["issuer", "issuer-parent"], estate!["signatures"]!.AsArray().Select(s => (string)s!["signer"]!));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_push_endpoint()
    {
        _ = factory.Server;
        var document = await factory.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        Assert.NotNull(document!["paths"]!["/api/v1/licenses"]);
        Assert.NotNull(document["paths"]!["/api/v1/licenses/batch"]);
    }

    /// <summary>Fails the INSERT of the status history row: after the license and version rows, inside the same transaction.</summary>
    private sealed class FailOnStatusChangeInsert : DbCommandInterceptor
    {
        public bool Enabled { get; set; } = true;

        public int Triggered { get; private set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (Enabled && command.CommandText.Contains("INSERT INTO \"license_status_changes\"", StringComparison.Ordinal))
            {
                Triggered++;
                throw new InvalidOperationException("Simulated storage failure.");
            }

            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
