using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElectronicLicense.Api.Tests.Sharing;
using ElectronicLicense.Licenses.Audit;

namespace ElectronicLicense.Api.Tests.Walkthrough;

/// <summary>
/// The README's walkthrough (samples/walkthrough.sh) step by step: issue, 亮证 and redemption, a two-field grant, its
/// revocation, and the holder's access log proven against the signed audit log.
/// </summary>
public sealed class WalkthroughTests : IDisposable
{
    private const string Holder = SharingHost.Driver;
    private const string Redeemer = SharingHost.MarketRegulator;
    private const string Grantee = SharingHost.CivilAffairs;
    private readonly SharingHost host = new();

    [Fact]
    public async Task Issue_show_redeem_grant_read_revoke_and_the_access_log_proven_against_the_audit_log()
    {
        // 1. Issue.
        var licenseId = await host.PushAsync("motor-vehicle-driving-licence-1.json");
        var anonymous = host.Anonymous();
        using var auditKey = ECDsa.Create();
        auditKey.ImportFromPem(await anonymous.GetStringAsync("/api/v1/audit/public-key.pem"));
        var before = await TreeHeadAsync(anonymous);
        Assert.True(before.VerifySignature(auditKey));

        // 2. The holder shows it as a single-use QR code.
        var holder = await host.HolderAsync(Holder);
        var presentation = await (await holder.PostAsJsonAsync("/api/v1/presentations", new { licenseId })).Content.ReadFromJsonAsync<JsonObject>();
        var code = (string)presentation!["code"]!;
        Assert.StartsWith("<svg", (string)presentation["qrSvg"]!, StringComparison.Ordinal);

        // 3. Another department redeems it, once.
        var redeemer = host.Department(Redeemer, "verifier");
        var redeemed = await redeemer.PostAsJsonAsync("/api/v1/presentations/redeem", new { code });
        var shown = await redeemed.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.OK, redeemed.StatusCode);
        Assert.Equal(licenseId, (string)shown!["licenseId"]!);
        Assert.Equal("valid", (string)shown["status"]!);
        Assert.Equal(HttpStatusCode.Gone, (await redeemer.PostAsJsonAsync("/api/v1/presentations/redeem", new { code })).StatusCode);

        // 4. The holder grants a third department two fields for one service item.
        var granted = await holder.PostAsJsonAsync("/api/v1/grants", new
        {
            grantee = Grantee,
            licenseTypes = new[] { "11100000000013338W004" },
            fields = new[] { "准驾车型", "有效期截止日期" },
            purpose = new { itemCode = "500000-000201-001", serialNumber = "SN-WALK-1" },
            notAfter = DateTimeOffset.UtcNow.AddDays(7),
            maxUses = 3,
        });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var grantId = (string)(await granted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;

        // 5. That department reads exactly those two fields.
        var grantee = host.Department(Grantee, "verifier");
        var read = await grantee.GetFromJsonAsync<JsonObject>($"/api/v1/shared/licenses/{licenseId}?grant={grantId}");
        Assert.Equal(["准驾车型", "有效期截止日期"], read!["fields"]!.AsObject().Select(f => f.Key).Order(StringComparer.Ordinal));

        // 6. The holder revokes; the next read is refused.
        Assert.Equal(HttpStatusCode.OK, (await holder.PostAsync($"/api/v1/grants/{grantId}/revoke", null)).StatusCode);
        var refused = await grantee.GetAsync($"/api/v1/shared/licenses/{licenseId}?grant={grantId}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        // 7. The access log tells the whole story, newest first.
        var log = (await holder.GetFromJsonAsync<JsonArray>("/api/v1/holders/me/access-log?take=50"))!.Select(e => e!.AsObject()).ToArray();
        string[] story = ["license.ingest", "license.issue", "presentation.create", "presentation.redeem", "presentation.redeem", "grant.create", "license.share", "grant.revoke", "license.share"];
        var ours = log.Reverse().Where(e => (string?)e["licenseId"] == licenseId || (string?)e["grantId"] == grantId).ToArray();
        var actions = ours.Select(e => (string)e["action"]!).ToArray();
        Assert.True(story.SequenceEqual(actions.Where(story.Contains)), string.Join(", ", actions));
        var redemptions = ours.Where(e => (string)e["action"]! == "presentation.redeem").ToArray();
        Assert.Equal(["success", "denied"], redemptions.Select(e => (string)e["outcome"]!));
        Assert.All(redemptions, e => Assert.Equal(Redeemer, (string)e["department"]!));
        Assert.Equal(SharingHost.TrafficPolice, (string)ours.First(e => (string)e["action"]! == "license.ingest")["department"]!);
        var shares = ours.Where(e => (string)e["action"]! == "license.share").ToArray();
        Assert.Equal(["success", "denied"], shares.Select(e => (string)e["outcome"]!));
        Assert.All(shares, e => Assert.Equal(Grantee, (string)e["department"]!));

        // 8. Each event is in the signed log, and the log only grew since the head kept at step 1.
        var after = await TreeHeadAsync(anonymous);
        Assert.True(after.VerifySignature(auditKey));
        foreach (var e in ours)
        {
            var proof = (await anonymous.GetFromJsonAsync<InclusionProof>(
                $"/api/v1/audit/proofs/inclusion?index={(long)e["leafIndex"]!}&treeSize={after.TreeSize}", JsonSerializerOptions.Web))!;
            var leafHash = Convert.FromHexString((string)e["leafHash"]!);
            Assert.True(proof.Verify(leafHash, after), $"event {(long)e["leafIndex"]!} is not proven in the log of {after.TreeSize}");
            leafHash[0] ^= 1;
            Assert.False(proof.Verify(leafHash, after));
        }

        var consistency = (await anonymous.GetFromJsonAsync<ConsistencyProof>(
            $"/api/v1/audit/proofs/consistency?first={before.TreeSize}&second={after.TreeSize}", JsonSerializerOptions.Web))!;
        Assert.True(after.TreeSize > before.TreeSize);
        Assert.True(consistency.Verify(before, after));
    }

    private static async Task<SignedTreeHead> TreeHeadAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<SignedTreeHead>("/api/v1/audit/tree-head", JsonSerializerOptions.Web))!;

    public void Dispose() => host.Dispose();
}
