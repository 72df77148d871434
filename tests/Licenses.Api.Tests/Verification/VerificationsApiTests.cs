using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElectronicLicense.Api.Tests.Infrastructure;

namespace ElectronicLicense.Api.Tests.Verification;

/// <summary>One registry for the class, with a 4 MiB upload limit so the 413 test stays small.</summary>
public sealed class VerificationFixture : IDisposable
{
    public RegistryApiFactory Factory { get; } = new(Database.Sqlite, new Dictionary<string, string> { ["Verification:MaxFileBytes"] = "4194304" });

    public void Dispose() => Factory.Dispose();
}

public class VerificationsApiTests(VerificationFixture fixture) : IClassFixture<VerificationFixture>
{
    private const string Health = "11500000MB1507014M"; // 重庆市卫生健康委员会: issues 医疗机构死亡证明 (three signers)
    private const string Police = "11500000MB1501018N";  // 重庆市公安局: verifier

    private RegistryApiFactory Factory => fixture.Factory;

    private async Task<(string Id, HttpClient Issuer)> IssueAsync(string file = "medical-death-certificate-1.json")
    {
        var body = Samples.License(file);
        body["证照编号"] = "A" + Guid.NewGuid().ToString("N")[..20].ToUpperInvariant();
        var client = Factory.ClientFor(Samples.IssuerOf(body), "issuer");
        var pushed = await client.PostAsync("/api/v1/licenses", Samples.Json(body));
        Assert.True(pushed.StatusCode == HttpStatusCode.Created, await pushed.Content.ReadAsStringAsync());
        return ((string)(await pushed.Content.ReadFromJsonAsync<JsonObject>())!["licenseId"]!, client);
    }

    private static MultipartFormDataContent Upload(byte[] bytes, string name = "license.pdf")
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, "file", name);
        return content;
    }

    /// <summary>The response's receipt and the exact text of its report member.</summary>
    private static async Task<(JsonElement Receipt, string ReportText, JsonElement Report)> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var root = JsonDocument.Parse(text).RootElement;
        return (root.GetProperty("receipt"), root.GetProperty("report").GetRawText(), root.GetProperty("report"));
    }

    private static string CheckResult(JsonElement report, string id) =>
        report.GetProperty("registryChecks").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id).GetProperty("result").GetString()!;

    [Fact]
    public async Task Verifying_by_id_returns_a_report_whose_hash_and_signature_openssl_confirms()
    {
        var (id, _) = await IssueAsync();
        var verifier = Factory.ClientFor(Police, "verifier");

        var (receipt, reportText, report) = await ReadAsync(await verifier.PostAsync("/api/v1/verifications", Samples.Json(new JsonObject { ["licenseId"] = id })));

        Assert.Equal("TOTAL-PASSED", report.GetProperty("indication").GetString());
        Assert.Equal("PASSED", CheckResult(report, "registered"));
        Assert.Equal("PASSED", CheckResult(report, "status"));
        Assert.Equal("NOT_APPLICABLE", CheckResult(report, "signers-match"));
        var sha256 = receipt.GetProperty("reportSha256").GetString();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(reportText))), sha256);

        // The stored report is the same bytes; the receipt reads back unchanged.
        var receiptId = receipt.GetProperty("id").GetString();
        var stored = await verifier.GetByteArrayAsync($"/api/v1/verifications/{receiptId}/report");
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(stored)));
        var (again, _, _) = await ReadAsync(await verifier.GetAsync($"/api/v1/verifications/{receiptId}"));
        Assert.Equal(receipt.GetProperty("signature").GetString(), again.GetProperty("signature").GetString());

        // OpenSSL checks the receipt's signature with the published receipt certificate's public key.
        using var tools = new ExternalTools();
        var certificate = tools.Write("receipt.pem", Encoding.ASCII.GetBytes(await Factory.CreateClient().GetStringAsync("/api/v1/verifications/receipt-certificate")));
        var (keyExit, publicKey, keyError) = ExternalTools.Run("openssl", "x509", "-in", certificate, "-pubkey", "-noout");
        Assert.True(keyExit == 0, keyError);
        var pub = tools.Write("pub.pem", Encoding.ASCII.GetBytes(publicKey));
        var text = tools.Write("receipt.txt", Encoding.UTF8.GetBytes(receipt.GetProperty("signedText").GetString()!));
        var signature = tools.Write("receipt.sig", Convert.FromBase64String(receipt.GetProperty("signature").GetString()!));
        var (exit, output, error) = ExternalTools.Run("openssl", "dgst", "-sha256", "-verify", pub, "-signature", signature, text);
        Assert.True(exit == 0, output + error);
        Assert.Contains("Verified OK", output, StringComparison.Ordinal);
        Assert.Contains($"reportSha256={sha256}\n", receipt.GetProperty("signedText").GetString(), StringComparison.Ordinal);

        var forged = tools.Write("forged.txt", Encoding.UTF8.GetBytes(receipt.GetProperty("signedText").GetString()!.Replace(sha256!, new string('0', 64), StringComparison.Ordinal)));
        Assert.NotEqual(0, ExternalTools.Run("openssl", "dgst", "-sha256", "-verify", pub, "-signature", signature, forged).ExitCode);

        // Another department cannot read it.
        var other = await Factory.ClientFor(Health, "issuer").GetAsync($"/api/v1/verifications/{receiptId}");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await verifier.GetAsync($"/api/v1/verifications/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task An_uploaded_three_signature_PDF_passes_and_a_changed_byte_fails()
    {
        var (id, issuer) = await IssueAsync();
        var pdf = await issuer.GetByteArrayAsync($"/api/v1/licenses/{id}/document?format=pdf");
        var verifier = Factory.ClientFor(Police, "verifier");

        var (_, _, report) = await ReadAsync(await verifier.PostAsync("/api/v1/verifications", Upload(pdf)));

        Assert.Equal("TOTAL-PASSED", report.GetProperty("indication").GetString());
        Assert.Equal(id, report.GetProperty("licenseId").GetString());
        Assert.Equal(3, report.GetProperty("document").GetProperty("signatures").GetArrayLength());
        Assert.Equal("PASSED", CheckResult(report, "signers-match"));
        Assert.Equal("PASSED", CheckResult(report, "registered"));

        pdf[pdf.Length / 2] ^= 0x20;
        var (_, _, tampered) = await ReadAsync(await verifier.PostAsync("/api/v1/verifications", Upload(pdf)));
        Assert.Equal("TOTAL-FAILED", tampered.GetProperty("indication").GetString());
        Assert.Equal("FAILED", CheckResult(tampered, "registered"));
    }

    [Fact]
    public async Task An_unknown_id_is_a_TOTAL_FAILED_report_not_a_404()
    {
        var (id, _) = await IssueAsync();
        var unknown = id[..^1] + (id[^1] == 'A' ? 'B' : 'A'); // wrong check character: malformed
        var verifier = Factory.ClientFor(Police, "verifier");

        var malformed = await verifier.PostAsync("/api/v1/verifications", Samples.Json(new JsonObject { ["licenseId"] = unknown }));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("/licenseId", (string)(await malformed.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![0]!["pointer"]!);

        var parts = id.Split('.');
        var other = ElectronicLicense.Licenses.Identifiers.LicenseId.Create(
            ElectronicLicense.Licenses.Identifiers.LicenseTypeCode.Parse(parts[5]),
            ElectronicLicense.Licenses.Identifiers.UnifiedSocialCreditCode.Parse(parts[6]), "2099000001", 1).Value;
        var (_, _, report) = await ReadAsync(await verifier.PostAsync("/api/v1/verifications", Samples.Json(new JsonObject { ["licenseId"] = other })));
        Assert.Equal("TOTAL-FAILED", report.GetProperty("indication").GetString());
        Assert.Equal("not-registered", report.GetProperty("conclusion").GetString());
        Assert.Equal("FAILED", CheckResult(report, "registered"));
    }

    [Theory]
    [InlineData("{}", "/licenseId")]
    [InlineData("""{"licenseId":"x","qrPayload":"y"}""", "/qrPayload")]
    [InlineData("""{"qrPayload":"https://example.com"}""", "/qrPayload")]
    [InlineData("""{"licenseId":42}""", "/licenseId")]
    public async Task A_request_naming_nothing_or_too_much_or_a_bad_value_is_a_400_naming_the_field(string body, string pointer)
    {
        var response = await Factory.ClientFor(Police, "verifier").PostAsync("/api/v1/verifications", Samples.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("invalid-verification-request", (string)problem!["code"]!);
        Assert.Contains(pointer, problem["errors"]!.AsArray().Select(e => (string)e!["pointer"]!));
    }

    [Fact]
    public async Task Uploads_over_the_limit_are_413_other_types_415_and_two_files_400()
    {
        var verifier = Factory.ClientFor(Police, "verifier");
        var big = new byte[4 * 1024 * 1024 + 1];
        "%PDF-1.7"u8.CopyTo(big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await verifier.PostAsync("/api/v1/verifications", Upload(big))).StatusCode);
        var gif = await verifier.PostAsync("/api/v1/verifications", Upload("GIF89a...."u8.ToArray(), "x.gif"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, gif.StatusCode);
        Assert.Equal("unsupported-media-type", (string)(await gif.Content.ReadFromJsonAsync<JsonObject>())!["code"]!);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType,
            (await verifier.PostAsync("/api/v1/verifications", new StringContent("licenseId=x", Encoding.UTF8, "text/plain"))).StatusCode);

        var two = Upload("%PDF-1.7"u8.ToArray());
        two.Add(new ByteArrayContent("%PDF-1.7"u8.ToArray()), "file2", "b.pdf");
        var response = await verifier.PostAsync("/api/v1/verifications", two);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("/file", (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![0]!["pointer"]!);
    }

    [Fact]
    public async Task Anonymous_callers_get_401_and_every_department_role_may_verify()
    {
        var (id, _) = await IssueAsync();
        var anonymous = await Factory.CreateClient().PostAsync("/api/v1/verifications", Samples.Json(new JsonObject { ["licenseId"] = id }));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        foreach (var (code, role) in new[] { (Police, "verifier"), (Health, "issuer"), (Samples.BigDataBureau, "archivist"), (Samples.BigDataBureau, "admin") })
        {
            var response = await Factory.ClientFor(code, role).PostAsync("/api/v1/verifications", Samples.Json(new JsonObject { ["qrPayload"] = "urn:elic:license:" + id }));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{role}: {response.StatusCode}");
        }
    }
}
