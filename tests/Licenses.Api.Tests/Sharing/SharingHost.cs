using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElectronicLicense.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Api.Tests.Sharing;

/// <summary>A clock tests can move forward; it follows the real clock otherwise.</summary>
public sealed class MovableClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

/// <summary>The API on SQLite with a movable clock, plus helpers for holders and departments.</summary>
public sealed class SharingHost : IDisposable
{
    public const string Driver = "500112198802140159";        // holder of the driving licence sample
    public const string OtherCitizen = "11010519491231002X";
    public const string TrafficPolice = "11500000MB1501026H";  // issues driving licences
    public const string CivilAffairs = "11500000MB15020105";   // department B: verifier
    public const string MarketRegulator = "11500000MB1503013M"; // department C: verifier, issuer of business licences
    private Dictionary<string, Dictionary<string, string>>? tokens;

    public SharingHost(Database database = Database.Sqlite)
        : this(new Dictionary<string, string>(), database)
    {
    }

    public SharingHost(IDictionary<string, string> settings, Database database = Database.Sqlite)
    {
        Factory = new RegistryApiFactory(database, settings);
        App = Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock)));
    }

    public MovableClock Clock { get; } = new();

    public RegistryApiFactory Factory { get; }

    public WebApplicationFactory<Program> App { get; }

    public HttpClient Department(string code, string role)
    {
        var client = App.CreateClient();
        tokens ??= JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(
            File.ReadAllText(Path.Combine(Factory.DataDirectory, "demo-credentials.json")))!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens[code][role]);
        return client;
    }

    public HttpClient Anonymous() => App.CreateClient();

    public async Task<HttpClient> HolderAsync(string holderCode, string? agentCode = null)
    {
        var client = App.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/dev/holder-tokens", new { holderCode, agentCode });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)body!["token"]!);
        return client;
    }

    /// <summary>Pushes a sample with a fresh 证照编号 (and optionally another holder); returns its 证照标识.</summary>
    public async Task<string> PushAsync(string sample, string? holderCode = null)
    {
        var body = Samples.License(sample);
        body["证照编号"] = "S" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        if (holderCode is not null)
        {
            body["持证主体代码"] = holderCode;
        }

        var response = await Department(Samples.IssuerOf(body), "issuer").PostAsync("/api/v1/licenses", Samples.Json(body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["licenseId"]!;
    }

    public void Dispose() => Factory.Dispose();
}
