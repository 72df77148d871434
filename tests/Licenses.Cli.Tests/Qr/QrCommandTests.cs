using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ElectronicLicense.Cli.Tests.Import;
using ElectronicLicense.Cli.Tests.Support;

namespace ElectronicLicense.Cli.Tests.Qr;

public sealed class QrCommandTests(RegistryApiFixture api) : IClassFixture<RegistryApiFixture>, IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    private HttpClient Client(string? department = null, string role = "issuer")
    {
        var client = api.Factory.CreateClient();
        if (department is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.Tokens[department][role]);
        }

        return client;
    }

    private async Task<(string Id, string Issuer, string Payload, uint List)> IssueAsync()
    {
        var body = JsonNode.Parse(File.ReadAllText(Repository.Path("samples", "licenses", "business-license-1.json")))!.AsObject();
        body["证照编号"] = "CLIQR" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        var issuer = (string)body["颁发机构代码"]!;
        var pushed = await Client(issuer).PostAsync("/api/v1/licenses", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(pushed.StatusCode == HttpStatusCode.Created, await pushed.Content.ReadAsStringAsync());
        var id = (string)JsonNode.Parse(await pushed.Content.ReadAsStringAsync())!["licenseId"]!;
        var payload = (string)JsonNode.Parse(await Client(issuer).GetStringAsync($"/api/v1/licenses/{id}/offline-payload"))!["payload"]!;
        Assert.True(Licenses.Presentation.OfflinePayload.TryParse(payload, out var parsed));
        return (id, issuer, payload, parsed.Fields.StatusListId);
    }

    private async Task<(string Trust, string List)> SaveListsAsync(uint list)
    {
        var trust = folder.File("trust.json");
        await File.WriteAllTextAsync(trust, await Client().GetStringAsync("/api/v1/trust-list"));
        var status = folder.File("list.json");
        await File.WriteAllTextAsync(status, await Client().GetStringAsync($"/api/v1/status-lists/{list}"));
        return (trust, status);
    }

    [Fact]
    public async Task Verify_passes_a_valid_license_and_fails_it_once_revoked()
    {
        var (id, issuer, payload, list) = await IssueAsync();
        var (trust, status) = await SaveListsAsync(list);

        var passed = await Elic.RunAsync("qr", "verify", payload, "--trust-list", trust, "--status-list", status);
        Assert.True(passed.ExitCode == 0, passed.ToString());
        Assert.Contains("TOTAL-PASSED", passed.Output, StringComparison.Ordinal);
        Assert.Contains(id, passed.Output, StringComparison.Ordinal);

        var indeterminate = await Elic.RunAsync("qr", "verify", payload, "--trust-list", trust, "--json");
        Assert.True(indeterminate.ExitCode == 2, indeterminate.ToString());
        Assert.Equal("INDETERMINATE", (string?)JsonNode.Parse(indeterminate.Output)!["verdict"]);

        var revoke = await Client(issuer).PostAsync($"/api/v1/licenses/{id}/revoke",
            new StringContent("""{"reasonCode": "cancelled"}""", Encoding.UTF8, "application/json"));
        Assert.True(revoke.IsSuccessStatusCode, await revoke.Content.ReadAsStringAsync());
        (trust, status) = await SaveListsAsync(list);

        var failed = await Elic.RunAsync("qr", "verify", payload, "--trust-list", trust, "--status-list", status, "--json");
        Assert.True(failed.ExitCode == 1, failed.ToString());
        var report = JsonNode.Parse(failed.Output)!;
        Assert.Equal("TOTAL-FAILED", (string?)report["verdict"]);
        Assert.Equal("revoked", (string?)report["currentStatus"]);
    }

    [Fact]
    public async Task Verify_fails_an_altered_payload_and_a_trust_list_pinned_to_another_key()
    {
        var (_, _, payload, list) = await IssueAsync();
        var (trust, status) = await SaveListsAsync(list);
        var position = payload.Length / 2;
        var altered = payload[..position] + (payload[position] == '7' ? '8' : '7') + payload[(position + 1)..];

        var run = await Elic.RunAsync("qr", "verify", altered, "--trust-list", trust, "--status-list", status);
        Assert.True(run.ExitCode == 1, run.ToString());

        var file = folder.File("payload.txt");
        await File.WriteAllTextAsync(file, payload + "\n");
        var pinned = await Elic.RunAsync("qr", "verify", "--payload-file", file, "--trust-list", trust, "--status-list", status, "--trust-list-key", "AAAAAAAAAAA");
        Assert.True(pinned.ExitCode == 1, pinned.ToString());
        Assert.Contains("trust-list", pinned.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_reports_unusable_input_with_exit_code_64()
    {
        var missing = await Elic.RunAsync("qr", "verify", "ELIC1:X", "--trust-list", folder.File("none.json"));
        Assert.True(missing.ExitCode == 64, missing.ToString());

        var notAList = folder.File("not-a-list.json");
        await File.WriteAllTextAsync(notAList, "{}");
        var wrong = await Elic.RunAsync("qr", "verify", "ELIC1:X", "--trust-list", notAList);
        Assert.True(wrong.ExitCode == 64, wrong.ToString());
    }
}
