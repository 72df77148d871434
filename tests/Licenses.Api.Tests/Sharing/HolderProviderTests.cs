using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;

namespace ElectronicLicense.Api.Tests.Sharing;

/// <summary>Production holder authentication: the platform identity service's key from configuration, no development provider.</summary>
public sealed class HolderProviderTests : IDisposable
{
    private const string Issuer = "https://idp.example.gov.cn";
    private readonly ECDsa platformKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string keyFile = Path.GetTempFileName();
    private readonly SharingHost host;

    public HolderProviderTests()
    {
        File.WriteAllText(keyFile, platformKey.ExportSubjectPublicKeyInfoPem());
        host = new SharingHost(new Dictionary<string, string>
        {
            ["Holders:DevelopmentProvider"] = "false",
            ["Holders:Issuer"] = Issuer,
            ["Holders:SigningKeyFile"] = keyFile,
        });
    }

    private HttpClient WithToken(string token)
    {
        var client = host.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task Development_token_endpoint_does_not_exist_when_disabled()
    {
        var response = await host.Anonymous().PostAsJsonAsync("/api/v1/dev/holder-tokens", new { holderCode = SharingHost.Driver });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Platform_tokens_are_accepted_and_others_rejected()
    {
        var ok = await WithToken(HolderTokens.Create(platformKey, Issuer, SharingHost.Driver)).GetAsync("/api/v1/holders/me/licenses");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithToken(HolderTokens.Create(otherKey, Issuer, SharingHost.Driver)).GetAsync("/api/v1/holders/me/licenses")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithToken(HolderTokens.Create(platformKey, "https://elsewhere", SharingHost.Driver)).GetAsync("/api/v1/holders/me/licenses")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithToken(HolderTokens.Create(platformKey, Issuer, SharingHost.Driver, audience: "other")).GetAsync("/api/v1/holders/me/licenses")).StatusCode);

        // Signed by the platform but naming no valid holder.
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithToken(HolderTokens.Create(platformKey, Issuer, "500112198802140158")).GetAsync("/api/v1/holders/me/licenses")).StatusCode);
    }

    public void Dispose()
    {
        host.Dispose();
        platformKey.Dispose();
        File.Delete(keyFile);
    }
}
