using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using ElectronicLicense.Api.Tests.Infrastructure;
using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Archiving.BagIt;

namespace ElectronicLicense.Api.Tests.Archives;

/// <summary>
/// The archivist's story over HTTP: a month of licenses exported by a job, its packages downloaded as one tar (unpacked by GNU tar)
/// and each passing 四性检测; a closed case archived with its case number; bad requests named by field. Runs on SQLite with the
/// folder archive store, and on PostgreSQL with the archive store in an S3 bucket (s3rver).
/// </summary>
public abstract class ArchivesApiTests(RegistryApiFactory factory) : IDisposable
{
    private const string Archivist = "11500000MB15040166";
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("elic-archives-api-");

    public void Dispose()
    {
        work.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    private HttpClient ArchivistClient => factory.ClientFor(Archivist, "archivist");

    [Fact]
    public async Task A_month_exported_by_a_job_downloads_as_one_tar_of_valid_bags_and_nothing_else()
    {
        var month = new List<string>();
        foreach (var day in new[] { "2020-11-01", "2020-11-15", "2020-11-30" })
        {
            month.Add(await PushAsync(day));
        }

        var outside = await PushAsync("2020-12-01");
        var typeCode = month[0].Split('.')[5];
        var created = await ArchivistClient.PostAsJsonAsync("/api/v1/archives/exports",
            new { typeCode, issuedFrom = "2020-11-01", issuedTo = "2020-11-30" });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var job = await created.Content.ReadFromJsonAsync<JsonObject>();

        job = await WaitForAsync(created.Headers.Location!.OriginalString);
        Assert.Equal("completed", (string)job["status"]!);
        Assert.Equal(3, (int)job["total"]!);
        Assert.Equal(3, (int)job["exported"]!);
        Assert.Equal(0, (int)job["failed"]!);

        var names = await ArchivistClient.GetFromJsonAsync<string[]>((string)job["packages"]!);
        Assert.Equal(month.Select(id => $"{id}-v1").Order(StringComparer.Ordinal), names!.Order(StringComparer.Ordinal));

        var download = await ArchivistClient.GetAsync((string)job["download"]!);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/x-tar", download.Content.Headers.ContentType!.MediaType);
        var tar = Path.Combine(work.FullName, "export.tar");
        await File.WriteAllBytesAsync(tar, await download.Content.ReadAsByteArrayAsync());
        var unpacked = Directory.CreateDirectory(Path.Combine(work.FullName, "unpacked")).FullName;
        Run("tar", "-xf", tar, "-C", unpacked);

        var bags = Directory.GetDirectories(unpacked).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(names!.Order(StringComparer.Ordinal), bags);
        Assert.DoesNotContain($"{outside}-v1", bags);
        foreach (var bag in bags)
        {
            var report = await ArchiveService.InspectOfflineAsync(new DirectoryBagSource(Path.Combine(unpacked, bag!)), null, TimeProvider.System);
            Assert.True(report.Valid, report.ToText());
        }

        // The registry's own 四性检测 of the stored package also compares the digest registered at archiving.
        var registered = await ArchivistClient.GetFromJsonAsync<JsonObject>($"/api/v1/archives/packages/{month[0]}/report");
        Assert.True((bool)registered!["valid"]!, registered.ToJsonString());
        var digest = registered["checks"]!.AsArray().Single(c => (string)c!["id"]! == ArchiveCheckIds.PackageDigest)!;
        Assert.Equal("passed", (string)digest["result"]!);
    }

    [Fact]
    public async Task A_download_before_completion_is_409_not_a_partial_tar_and_another_department_cannot_see_the_job()
    {
        var id = await PushAsync("2020-10-05");
        var created = await ArchivistClient.PostAsJsonAsync("/api/v1/archives/exports", new { licenseId = id });
        var job = await created.Content.ReadFromJsonAsync<JsonObject>();
        if ((string)job!["status"]! != "completed")
        {
            var early = await ArchivistClient.GetAsync((string)job["download"]!);
            if (early.StatusCode != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
                Assert.Equal("urn:elic:problem:export-not-complete", (string)(await early.Content.ReadFromJsonAsync<JsonObject>())!["type"]!);
            }
        }

        await WaitForAsync(created.Headers.Location!.OriginalString);
        var otherDepartment = factory.ClientFor("11500000MB1512016F", "archivist");
        var hidden = await otherDepartment.GetAsync(created.Headers.Location);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal("urn:elic:problem:export-not-found", (string)(await hidden.Content.ReadFromJsonAsync<JsonObject>())!["type"]!);
    }

    [Fact]
    public async Task A_closed_case_is_archived_with_its_case_number_by_the_worker()
    {
        var id = await PushAsync("2020-09-09");
        var verifier = factory.ClientFor(Archivist, "verifier");

        var closed = await verifier.PostAsJsonAsync("/api/v1/archives/case-closures", new { caseNumber = "YKB-2026-000123", licenseIds = new[] { id } });

        Assert.Equal(HttpStatusCode.Accepted, closed.StatusCode);
        JsonObject? package = null;
        for (var i = 0; i < 300 && package is null; i++)
        {
            var response = await ArchivistClient.GetAsync($"/api/v1/archives/packages/{id}?caseNumber=YKB-2026-000123");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                package = await response.Content.ReadFromJsonAsync<JsonObject>();
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                await Task.Delay(100);
            }
        }

        Assert.NotNull(package);
        Assert.Equal("YKB-2026-000123", (string)package["caseNumber"]!);
        var bag = await ArchivistClient.GetAsync($"/api/v1/archives/packages/{id}/bag?caseNumber=YKB-2026-000123");
        var folder = Path.Combine(work.FullName, "case");
        var name = await TarBagReader.ExtractAsync(await bag.Content.ReadAsStreamAsync(), new DirectoryBagTarget(folder));
        Assert.Equal($"{id}-v1", name);
        Assert.Contains("Bag-Group-Identifier: YKB-2026-000123", await File.ReadAllTextAsync(Path.Combine(folder, "bag-info.txt")));
    }

    [Theory]
    [InlineData("""{"typeCode":"11100000MB0000617G002","issuedFrom":"2020-13-01","issuedTo":"2020-12-31"}""", "/issuedFrom")]
    [InlineData("""{"typeCode":"11100000MB0000617G002","issuedFrom":"2020-12-01","issuedTo":"2020-11-30"}""", "/issuedTo")]
    [InlineData("""{"licenseId":"not-an-id"}""", "/licenseId")]
    [InlineData("""{}""", "/licenseId")]
    public async Task A_bad_export_request_is_a_problem_naming_the_field(string body, string pointer)
    {
        var response = await ArchivistClient.PostAsync("/api/v1/archives/exports", Samples.Json(body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(pointer, (string)problem!["errors"]![0]!["pointer"]!);
    }

    [Fact]
    public async Task A_case_closure_with_a_bad_identifier_names_its_position_and_queues_nothing()
    {
        var id = await PushAsync("2020-08-08");
        var verifier = factory.ClientFor(Archivist, "verifier");
        var before = await ArchivistClient.GetFromJsonAsync<JsonObject>("/api/v1/archives/queue");

        var response = await verifier.PostAsJsonAsync("/api/v1/archives/case-closures", new { caseNumber = "YKB-9", licenseIds = new[] { id, "1.2.3" } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("/licenseIds/1", (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![0]!["pointer"]!);
        var missing = await ArchivistClient.GetAsync($"/api/v1/archives/packages/{id}?caseNumber=YKB-9");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("urn:elic:problem:archive-not-found", (string)(await missing.Content.ReadFromJsonAsync<JsonObject>())!["type"]!);
        Assert.NotNull(before);
    }

    private async Task<string> PushAsync(string issueDate)
    {
        var body = Samples.License("food-business-license-1.json");
        body["证照编号"] = "A" + Guid.NewGuid().ToString("N")[..20].ToUpperInvariant();
        body["颁发日期"] = issueDate;
        body["有效期起始日期"] = issueDate;
        body["有效期截止日期"] = DateOnly.Parse(issueDate, System.Globalization.CultureInfo.InvariantCulture).AddYears(5)
            .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var response = await factory.ClientFor(Samples.IssuerOf(body), "issuer").PostAsync("/api/v1/licenses", Samples.Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["licenseId"]!;
    }

    private async Task<JsonObject> WaitForAsync(string job)
    {
        for (var i = 0; i < 600; i++)
        {
            var state = (await ArchivistClient.GetFromJsonAsync<JsonObject>(job))!;
            if ((string)state["status"]! is "completed" or "failed")
            {
                return state;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The export job did not end within a minute.");
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error}");
    }

    internal static Dictionary<string, string> S3ArchiveStore()
    {
        var endpoint = Environment.GetEnvironmentVariable("ELIC_TEST_S3") is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException("ELIC_TEST_S3 is not set; scripts/test.sh installs and starts a throwaway s3rver and sets it.");
        var bucket = "elic-api-" + Guid.NewGuid().ToString("N")[..16];
        using (var client = new AmazonS3Client("S3RVER", "S3RVER", new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" }))
        {
            client.PutBucketAsync(new PutBucketRequest { BucketName = bucket }).GetAwaiter().GetResult();
        }

        return new Dictionary<string, string>
        {
            ["Archives:Store:Kind"] = "s3",
            ["Archives:Store:S3:ServiceUrl"] = endpoint,
            ["Archives:Store:S3:Bucket"] = bucket,
            ["Archives:Store:S3:Prefix"] = "archives",
            ["Archives:Store:S3:AccessKey"] = "S3RVER",
            ["Archives:Store:S3:SecretKey"] = "S3RVER",
        };
    }
}

public sealed class SqliteArchivesFixture : IDisposable
{
    public RegistryApiFactory Factory { get; } = new(Database.Sqlite);

    public void Dispose() => Factory.Dispose();
}

public sealed class PostgresS3ArchivesFixture : IDisposable
{
    public RegistryApiFactory Factory { get; } = new(Database.PostgreSql, ArchivesApiTests.S3ArchiveStore());

    public void Dispose() => Factory.Dispose();
}

public sealed class SqliteFolderArchivesApiTests(SqliteArchivesFixture fixture) : ArchivesApiTests(fixture.Factory), IClassFixture<SqliteArchivesFixture>;

public sealed class PostgresS3ArchivesApiTests(PostgresS3ArchivesFixture fixture) : ArchivesApiTests(fixture.Factory), IClassFixture<PostgresS3ArchivesFixture>;
