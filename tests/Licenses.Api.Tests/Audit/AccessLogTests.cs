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
        const string Planning = "11500000MB15040166"; // archivist: reads the registry directly (verifiers need a grant or a duty basis)
        var reader = host.Department(Planning, "archivist");
        var issuer = host.Department(SharingHost.TrafficPolice, "issuer");
        var otherIssuer = host.Department(SharingHost.MarketRegulator, "issuer");

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/v1/licenses/{licenseId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.PostAsJsonAsync("/api/v1/licenses/search", new { holderCode = SharingHost.Driver })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/v1/licenses/{licenseId}/document?format=pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherIssuer.GetAsync($"/api/v1/licenses/{licenseId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await issuer.PostAsJsonAsync($"/api/v1/licenses/{licenseId}/suspend", new { reasonCode = "suspended-by-authority" })).StatusCode);

        var holder = await host.HolderAsync(SharingHost.Driver);
        var log = (await holder.GetFromJsonAsync<JsonArray>("/api/v1/holders/me/access-log?take=100"))!.Select(e => e!.AsObject()).ToArray();
        JsonObject Single(string action, string department, string? detailStart = null) => Assert.Single(log, e =>
            (string)e["action"]! == action && (string?)e["department"] == department
            && (detailStart is null || ((string?)e["detail"] ?? string.Empty).StartsWith(detailStart, StringComparison.Ordinal)));

        Assert.Equal(licenseId, (string)Single("license.read", Planning, "data")["licenseId"]!);
        Single("license.read", Planning, "search");
        Single("license.read", Planning, "document pdf");
        Assert.Equal("denied", (string)Single("license.read", SharingHost.MarketRegulator)["outcome"]!);
        Assert.Equal("success", (string)Single("license.status", SharingHost.TrafficPolice)["outcome"]!);
        Assert.Equal("success", (string)Single("license.ingest", SharingHost.TrafficPolice)["outcome"]!);
    }

    public void Dispose() => host.Dispose();
}
