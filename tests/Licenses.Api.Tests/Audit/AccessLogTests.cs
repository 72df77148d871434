using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ElectronicLicense.Api.Tests.Sharing;

namespace ElectronicLicense.Api.Tests.Audit;

/// <summary>用证留痕: every department use of a license, not only shares, reaches the holder's access log.</summary>
public sealed class AccessLogTests : IDisposable
{
    private readonly SharingHost host = new();

    [Fact]
    public async Task Direct_reads_searches_downloads_and_status_changes_are_shown_to_the_holder()
    {
        var licenseId = await host.PushAsync("motor-vehicle-driving-licence-1.json");
        var verifier = host.Department(SharingHost.CivilAffairs, "verifier");
        var issuer = host.Department(SharingHost.TrafficPolice, "issuer");
        var otherIssuer = host.Department(SharingHost.MarketRegulator, "issuer");

        Assert.Equal(HttpStatusCode.OK, (await verifier.GetAsync($"/api/v1/licenses/{licenseId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await verifier.PostAsJsonAsync("/api/v1/licenses/search", new { holderCode = SharingHost.Driver })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await verifier.GetAsync($"/api/v1/licenses/{licenseId}/document?format=pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherIssuer.GetAsync($"/api/v1/licenses/{licenseId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await issuer.PostAsJsonAsync($"/api/v1/licenses/{licenseId}/suspend", new { reasonCode = "suspended-by-authority" })).StatusCode);

        var holder = await host.HolderAsync(SharingHost.Driver);
        var log = (await holder.GetFromJsonAsync<JsonArray>("/api/v1/holders/me/access-log?take=100"))!.Select(e => e!.AsObject()).ToArray();
        JsonObject Single(string action, string department, string? detailStart = null) => Assert.Single(log, e =>
            (string)e["action"]! == action && (string?)e["department"] == department
            && (detailStart is null || ((string?)e["detail"] ?? string.Empty).StartsWith(detailStart, StringComparison.Ordinal)));

        Assert.Equal(licenseId, (string)Single("license.read", SharingHost.CivilAffairs, "data")["licenseId"]!);
        Single("license.read", SharingHost.CivilAffairs, "search");
        Single("license.read", SharingHost.CivilAffairs, "document pdf");
        Assert.Equal("denied", (string)Single("license.read", SharingHost.MarketRegulator)["outcome"]!);
        Assert.Equal("success", (string)Single("license.status", SharingHost.TrafficPolice)["outcome"]!);
        Assert.Equal("success", (string)Single("license.ingest", SharingHost.TrafficPolice)["outcome"]!);
    }

    public void Dispose() => host.Dispose();
}
