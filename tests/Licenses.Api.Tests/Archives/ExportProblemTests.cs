using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ElectronicLicense.Api.Tests.Infrastructure;

namespace ElectronicLicense.Api.Tests.Archives;

/// <summary>The export job problems an archivist's client relies on: their status, <c>type</c> and <c>code</c>.</summary>
public sealed class ExportProblemTests : IDisposable
{
    private const string Archivist = "11500000MB15040166";

    // No worker: a job stays queued until the test looks at it.
    private readonly RegistryApiFactory factory = new(Database.Sqlite, new Dictionary<string, string> { ["Archives:RunWorker"] = "false" });

    public void Dispose() => factory.Dispose();

    [Theory]
    [InlineData("")]
    [InlineData("/packages")]
    [InlineData("/download")]
    public async Task An_unknown_export_job_is_export_not_found(string suffix)
    {
        var path = $"/api/v1/archives/exports/{Guid.NewGuid():N}{suffix}";
        var response = await factory.ClientFor(Archivist, "archivist").GetAsync(new Uri(path, UriKind.Relative));

        var problem = await ProblemOf(response, HttpStatusCode.NotFound);
        Assert.Equal("urn:elic:problem:export-not-found", (string)problem["type"]!);
        Assert.Equal("export-not-found", (string)problem["code"]!);
        Assert.Equal("Export not found", (string)problem["title"]!);
        Assert.Equal(path, (string)problem["instance"]!);
    }

    [Fact]
    public async Task Downloading_an_export_that_has_not_completed_is_export_not_complete()
    {
        var client = factory.ClientFor(Archivist, "archivist");
        var created = await client.PostAsJsonAsync(
            "/api/v1/archives/exports", new { typeCode = "11100000000013338W004", issuedFrom = "2021-01-01", issuedTo = "2021-01-31" });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var job = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("queued", (string)job["status"]!);

        var response = await client.GetAsync(new Uri((string)job["download"]!, UriKind.Relative));

        var problem = await ProblemOf(response, HttpStatusCode.Conflict);
        Assert.Equal("urn:elic:problem:export-not-complete", (string)problem["type"]!);
        Assert.Equal("export-not-complete", (string)problem["code"]!);
        Assert.Contains("queued", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    private static async Task<JsonObject> ProblemOf(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((int)status, (int)problem["status"]!);
        return problem;
    }
}
