using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using ElectronicLicense.Api.Tests.Infrastructure;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Verification;
using ElectronicLicense.Licenses.Verification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Api.Tests.Seals;

/// <summary>One registry for the whole class: seals and keys are made once, on the first start.</summary>
public sealed class IssuedDocumentFixture : IDisposable
{
    public RegistryApiFactory Factory { get; } = new(Database.Sqlite);

    public void Dispose() => Factory.Dispose();
}

public class IssuedDocumentApiTests(IssuedDocumentFixture fixture) : IClassFixture<IssuedDocumentFixture>
{
    private const string Health = "11500000MB1507014M";   // 重庆市卫生健康委员会: issues 医疗机构死亡证明
    private const string Police = "11500000MB1501018N";   // 重庆市公安局: co-signs it
    private const string CivilAffairs = "11500000MB15020105"; // 重庆市民政局: co-signs it
    private const string RealEstateCentre = "12500112MB1504024F"; // 渝北区不动产登记中心, parent 市规划和自然资源局
    private const string Planning = "11500000MB15040166";

    private RegistryApiFactory Factory => fixture.Factory;

    private static JsonObject Sample(string file)
    {
        var body = Samples.License(file);
        body["证照编号"] = "T" + Guid.NewGuid().ToString("N")[..20].ToUpperInvariant();
        return body;
    }

    private async Task<(string Id, byte[] Ofd, HttpResponseMessage Response)> IssueAsync(string file)
    {
        var body = Sample(file);
        var client = Factory.ClientFor(Samples.IssuerOf(body), "issuer");
        var pushed = await client.PostAsync("/api/v1/licenses", Samples.Json(body));
        Assert.True(pushed.StatusCode == HttpStatusCode.Created, await pushed.Content.ReadAsStringAsync());
        var id = (string)(await pushed.Content.ReadFromJsonAsync<JsonObject>())!["licenseId"]!;
        var document = await client.GetAsync($"/api/v1/licenses/{id}/document?format=ofd");
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        return (id, await document.Content.ReadAsByteArrayAsync(), document);
    }

    private async Task<X509Certificate2[]> TrustAnchorsAsync()
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPem(await Factory.CreateClient().GetStringAsync("/api/v1/seals/trust-anchors"));
        return [.. bundle];
    }

    private async Task<OfdVerificationOptions> RegistryTrustAsync()
    {
        var anchors = await TrustAnchorsAsync();
        return new OfdVerificationOptions { Signers = new CertificateValidator(anchors), SealMakers = new CertificateValidator(anchors) };
    }

    [Fact]
    public async Task A_three_party_license_is_also_issued_as_a_PDF_that_pdfsig_qpdf_poppler_and_our_verifier_accept()
    {
        var (id, ofd, _) = await IssueAsync("medical-death-certificate-1.json");
        var client = Factory.ClientFor(Health, "issuer");

        var response = await client.GetAsync($"/api/v1/licenses/{id}/document?format=pdf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        var pdf = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), response.Headers.GetValues("X-Content-SHA256").Single());

        // Both documents of the version are recorded with their hashes and signers.
        var read = await client.GetFromJsonAsync<JsonObject>($"/api/v1/licenses/{id}");
        var documents = read!["versions"]![0]!["documents"]!.AsArray();
        Assert.Equal(["ofd", "pdf"], documents.Select(d => (string)d!["format"]!).Order(StringComparer.Ordinal));
        foreach (var (format, bytes) in new[] { ("ofd", ofd), ("pdf", pdf) })
        {
            var recorded = documents.Single(d => (string)d!["format"]! == format)!;
            Assert.Equal("issued", (string)recorded["origin"]!);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), (string)recorded["sha256"]!);
            Assert.Equal(Convert.ToHexStringLower(Sm3.Hash(bytes)), (string)recorded["sm3"]!);
            Assert.Equal([Health, Police, CivilAffairs], recorded["signers"]!.AsArray().Select(s => (string)s!));
        }

        // Our verifier, trusting what the registry publishes.
        var report = ElectronicLicense.Seals.Pdf.PdfVerifier.Verify(pdf, new ElectronicLicense.Seals.Pdf.PdfVerificationOptions { Signers = new CertificateValidator(await TrustAnchorsAsync()) });
        Assert.True(report.Indication == Indication.TotalPassed, string.Join("; ", report.Signatures.SelectMany(s => s.Checks).Concat(report.DocumentChecks).Select(c => $"{c.Id} {c.Outcome}: {c.Message}")));
        Assert.Equal([$"seal1-{Health}", $"seal2-{Police}", $"seal3-{CivilAffairs}"], report.Signatures.Select(s => s.Id));

        using var tools = new ExternalTools();
        var path = tools.Write("license.pdf", pdf);

        // pdfsig (NSS): every signature valid; -nocert because NSS does not know the registry's CA.
        var (sigExit, sigOutput, sigError) = ExternalTools.Run("pdfsig", "-nocert", path);
        Assert.True(sigExit == 0, sigOutput + sigError);
        var signatures = sigOutput.Split("\nSignature #", StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal(3, signatures.Count);
        Assert.All(signatures, s => Assert.Contains("Signature Validation: Signature is Valid.", s, StringComparison.Ordinal));
        Assert.Contains("- Total document signed", signatures[2], StringComparison.Ordinal);
        Assert.All(signatures.Take(2), s => Assert.Contains("- Not total document signed", s, StringComparison.Ordinal));
        Assert.Contains("- Signer full Distinguished Name: ", signatures[0], StringComparison.Ordinal);

        // qpdf: no errors; PDFsharp's truncated Flate streams give a known warning (DEPENDENCIES.md).
        var (qpdfExit, qpdfOutput, qpdfError) = ExternalTools.Run("qpdf", "--check", path);
        Assert.True(qpdfExit is 0 or 3, $"qpdf --check exited {qpdfExit}: {qpdfOutput}{qpdfError}");
        Assert.DoesNotContain((qpdfOutput + qpdfError).Split('\n'), line => line.Length > 0
            && !line.StartsWith("checking ", StringComparison.Ordinal) && !line.StartsWith("PDF Version", StringComparison.Ordinal)
            && !line.StartsWith("File is not", StringComparison.Ordinal) && !line.StartsWith("File has no", StringComparison.Ordinal)
            && !line.Contains(KnownZlibWarning, StringComparison.Ordinal) && line != "qpdf: operation succeeded with warnings"
            && line != "No syntax or stream encoding errors found; the file may still contain"
            && line != "errors that qpdf cannot detect");

        // Poppler draws each party's seal picture (a red round seal) in its widget's rectangle.
        var (ppmExit, _, ppmError) = ExternalTools.Run("pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", path, Path.Combine(tools.Folder, "page"));
        Assert.True(ppmExit == 0, ppmError);
        using var image = new ImageMagick.MagickImage(Path.Combine(tools.Folder, "page.png"));
        using var pixels = image.GetPixels();
        var scale = 50.0 / 72;
        var widgets = WidgetRectangles(pdf);
        Assert.Equal(3, widgets.Count);
        foreach (var (left, bottom, right, top) in widgets)
        {
            var red = 0;
            var all = 0;
            for (var x = (int)(left * scale); x < (int)(right * scale); x++)
            {
                for (var y = (int)(image.Height - (top * scale)); y < (int)(image.Height - (bottom * scale)); y++)
                {
                    var colour = pixels.GetPixel(x, y).ToColor()!;
                    all++;
                    red += colour.R > 150 && colour.G < 110 && colour.B < 110 ? 1 : 0;
                }
            }

            Assert.True(red > all / 20, $"seal at [{left} {bottom} {right} {top}]: {red} of {all} pixels red");
        }
    }

    [Fact]
    public async Task The_registry_verifier_checks_a_PDFs_signers_against_the_policy_named_by_its_license_id()
    {
        var (id, _, _) = await IssueAsync("medical-death-certificate-1.json");
        var pdf = await Factory.ClientFor(Health, "issuer").GetByteArrayAsync($"/api/v1/licenses/{id}/document?format=pdf");
        var verifier = Factory.Services.GetRequiredService<DocumentVerifier>();

        var good = await verifier.VerifyPdfAsync(pdf);

        Assert.Equal(Indication.TotalPassed, good.Indication);
        Assert.Contains(good.DocumentChecks, c => c.Id == "signature-policy" && c.Outcome == CheckOutcome.Passed
            && c.Message.Contains("重庆市卫生健康委员会 → 重庆市公安局 → 重庆市民政局", StringComparison.Ordinal));

        // The unsigned file is the prefix before the first incremental update; the issuer alone signs it again.
        var eof = System.Text.Encoding.Latin1.GetString(pdf).IndexOf("%%EOF\n", StringComparison.Ordinal) + "%%EOF\n".Length;
        var keys = Factory.Services.GetRequiredService<ElectronicLicense.Licenses.Sealing.RegistryKeys>();
        var health = (await Factory.Services.GetRequiredService<ElectronicLicense.Licenses.Departments.DepartmentDirectory>().ListAsync()).Single(d => d.Code.Value == Health);
        var alone = ElectronicLicense.Seals.Pdf.PdfSigner.Sign(pdf[..eof], new ElectronicLicense.Seals.Pdf.PdfSignatureRequest
        {
            Key = keys.PdfSignerFor(health),
            FieldName = "seal1-" + Health,
            SigningTime = DateTimeOffset.UtcNow,
            Certify = true,
        });

        var report = await verifier.VerifyPdfAsync(alone);

        Assert.Equal((Indication.TotalFailed, SubIndication.SigConstraintsFailure), (report.Indication, report.SubIndication));
        Assert.Equal(Indication.TotalPassed, Assert.Single(report.Signatures).Indication);
        Assert.Contains("is missing", Assert.Single(report.DocumentChecks, c => c.Id == "signature-policy").Message, StringComparison.Ordinal);
    }

    private const string KnownZlibWarning = "input stream is complete but output may still be valid";

    /// <summary>The /Rect of every signature widget: the signer writes them as plain objects in its incremental updates.</summary>
    private static List<(double Left, double Bottom, double Right, double Top)> WidgetRectangles(byte[] pdf) =>
        [.. System.Text.RegularExpressions.Regex.Matches(System.Text.Encoding.Latin1.GetString(pdf), @"/Subtype\s*/Widget[^\[]*?/Rect\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")
            .Select(m => (Number(m.Groups[1].Value), Number(m.Groups[2].Value), Number(m.Groups[3].Value), Number(m.Groups[4].Value)))];

    private static double Number(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_three_party_license_is_sealed_by_each_department_in_policy_order_and_verifies()
    {
        var (id, ofd, response) = await IssueAsync("medical-death-certificate-1.json");

        Assert.Equal("application/ofd", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(ofd)), response.Headers.GetValues("X-Content-SHA256").Single());
        Assert.Equal(Convert.ToHexStringLower(Sm3.Hash(ofd)), response.Headers.GetValues("X-Content-SM3").Single());

        var report = OfdVerifier.Verify(ofd, await RegistryTrustAsync());

        Assert.Equal(Indication.TotalPassed, report.Indication);
        Assert.Equal(3, report.Signatures.Count);
        Assert.Collection(report.Signatures,
            s => Assert.Contains("重庆市卫生健康委员会", s.Signer, StringComparison.Ordinal),
            s => Assert.Contains("重庆市公安局", s.Signer, StringComparison.Ordinal),
            s => Assert.Contains("重庆市民政局", s.Signer, StringComparison.Ordinal));
        Assert.Equal(["重庆市卫生健康委员会证照专用章", "重庆市公安局业务专用章", "重庆市民政局业务专用章"], report.Signatures.Select(s => s.Seal!.Name));
        Assert.Contains("sealed whole", report.Signatures[2].Coverage, StringComparison.Ordinal);

        var read = await Factory.ClientFor(Health, "issuer").GetFromJsonAsync<JsonObject>($"/api/v1/licenses/{id}");
        var recorded = read!["versions"]![0]!["documents"]![0]!;
        Assert.Equal("ofd", (string)recorded["format"]!);
        Assert.Equal("issued", (string)recorded["origin"]!);
        Assert.Equal(report.Sha256, (string)recorded["sha256"]!);
        Assert.Equal(report.Sm3, (string)recorded["sm3"]!);
        Assert.Equal([Health, Police, CivilAffairs], recorded["signers"]!.AsArray().Select(s => (string)s!));
    }

    [Fact]
    public async Task A_cross_level_license_is_co_signed_by_the_issuers_parent()
    {
        var (_, ofd, _) = await IssueAsync("real-estate-title-certificate-1.json");

        var report = OfdVerifier.Verify(ofd, await RegistryTrustAsync());

        Assert.Equal(Indication.TotalPassed, report.Indication);
        Assert.Equal(["重庆市渝北区不动产登记中心业务专用章", "重庆市规划和自然资源局证照专用章"], report.Signatures.Select(s => s.Seal!.Name));
    }

    [Fact]
    public async Task The_document_of_every_sample_license_verifies()
    {
        foreach (var file in Samples.LicenseFiles.Select(Path.GetFileName))
        {
            var (_, ofd, _) = await IssueAsync(file!);
            var report = OfdVerifier.Verify(ofd, await RegistryTrustAsync());
            Assert.True(report.Indication == Indication.TotalPassed, $"{file}: {report.Indication} {report.SubIndication}");
        }
    }

    [Fact]
    public async Task A_department_without_a_valid_seal_cannot_issue_and_nothing_is_stored()
    {
        await IssueAsync("real-estate-title-certificate-1.json"); // demo seals are made on first use
        var admin = Factory.ClientFor(Samples.BigDataBureau, "admin");
        var seals = await admin.GetFromJsonAsync<JsonArray>($"/api/v1/seals?department={Planning}");
        var seal = seals!.Single(s => (string)s!["kind"]! == "证照专用章" && (string)s["status"]! == "valid")!;
        var revoke = await admin.PostAsJsonAsync($"/api/v1/seals/{seal["esId"]}/revoke", new { reason = "印章遗失" });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        try
        {
            var body = Sample("real-estate-title-certificate-1.json");
            var before = await Factory.QueryAsync(db => db.Licenses.CountAsync());

            var response = await Factory.ClientFor(RealEstateCentre, "issuer").PostAsync("/api/v1/licenses", Samples.Json(body));

            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
            Assert.Equal("urn:elic:problem:signature-policy-violation", (string)problem!["type"]!);
            Assert.Contains("重庆市规划和自然资源局 has no valid 证照专用章", (string)problem["detail"]!, StringComparison.Ordinal);
            Assert.Equal(before, await Factory.QueryAsync(db => db.Licenses.CountAsync()));
        }
        finally
        {
            var made = await admin.PostAsJsonAsync("/api/v1/seals", new { department = Planning, kind = "证照专用章" });
            Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        }

        // With the new seal made by the administrator, issuing works again.
        await IssueAsync("real-estate-title-certificate-1.json");
    }

    [Fact]
    public async Task A_demo_seal_is_made_once_on_first_use_and_a_revoked_one_is_not_replaced_silently()
    {
        var admin = Factory.ClientFor(Samples.BigDataBureau, "admin");
        var issuer = Samples.IssuerOf(Samples.License("social-security-card-1.json"));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => IssueAsync("social-security-card-1.json")));

        var seals = (await admin.GetFromJsonAsync<JsonArray>($"/api/v1/seals?department={issuer}"))!;
        var seal = Assert.Single(seals, s => (string)s!["kind"]! == "证照专用章")!;
        Assert.Equal("registry", (string)seal["createdBy"]!);

        await admin.PostAsJsonAsync($"/api/v1/seals/{seal["esId"]}/revoke", new { reason = "演示" });
        var refused = await Factory.ClientFor(issuer, "issuer").PostAsync("/api/v1/licenses", Samples.Json(Sample("social-security-card-1.json")));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/seals", new { department = issuer, kind = "证照专用章" })).StatusCode);
    }

    [Fact]
    public async Task An_administrator_makes_and_revokes_seals_and_every_department_can_read_them()
    {
        var admin = Factory.ClientFor(Samples.BigDataBureau, "admin");

        var made = await admin.PostAsJsonAsync("/api/v1/seals", new { department = Samples.MarketRegulator, kind = "公章", validYears = 2 });

        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var seal = (await made.Content.ReadFromJsonAsync<JsonObject>())!;
        var esId = (string)seal["esId"]!;
        Assert.Matches("^500000[0-9]{8}$", esId);
        Assert.Equal("重庆市市场监督管理局公章", (string)seal["name"]!);
        Assert.Contains("重庆市市场监督管理局", (string)seal["signer"]!, StringComparison.Ordinal);

        var verifier = Factory.ClientFor("12500103MB1513019D", "verifier");
        var read = await verifier.GetFromJsonAsync<JsonObject>($"/api/v1/seals/{esId}");
        Assert.Equal("valid", (string)read!["status"]!);
        var picture = await verifier.GetByteArrayAsync($"/api/v1/seals/{esId}/picture");
        Assert.True(ElectronicLicense.Seals.Ses.SealPicture.TryReadPng(picture, out var width, out var height));
        Assert.Equal(width, height);
        var esl = await verifier.GetByteArrayAsync($"/api/v1/seals/{esId}/esl");
        Assert.True(ElectronicLicense.Seals.Ses.SesSeal.TryDecode(esl, out var decoded, out _));
        Assert.True(decoded!.VerifyMakerSignature());
        Assert.Equal(esId, decoded.EsId);

        Assert.Equal(HttpStatusCode.Forbidden, (await verifier.PostAsJsonAsync("/api/v1/seals", new { department = Samples.MarketRegulator, kind = "公章" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await verifier.PostAsJsonAsync($"/api/v1/seals/{esId}/revoke", new { reason = "x" })).StatusCode);

        var revoked = await admin.PostAsJsonAsync($"/api/v1/seals/{esId}/revoke", new { reason = "机构更名" });
        Assert.Equal("revoked", (string)(await revoked.Content.ReadFromJsonAsync<JsonObject>())!["status"]!);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync($"/api/v1/seals/{esId}/revoke", new { reason = "again" })).StatusCode);
    }

    [Fact]
    public async Task The_registry_verifier_trusts_its_own_keys_and_reports_a_seal_revoked_after_signing()
    {
        var (_, ofd, _) = await IssueAsync("tobacco-retail-license-1.json");
        var verifier = Factory.Services.GetRequiredService<DocumentVerifier>();
        var before = await verifier.VerifyOfdAsync(ofd);
        Assert.Equal(Indication.TotalPassed, before.Indication);

        var admin = Factory.ClientFor(Samples.BigDataBureau, "admin");
        var esId = before.Signatures[0].Seal!.EsId;
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/v1/seals/{esId}/revoke", new { reason = "机构撤并" })).StatusCode);
        try
        {
            var after = await verifier.VerifyOfdAsync(ofd);

            // Revoked after the license was sealed: the license stays valid, and the report says what happened.
            Assert.Equal(Indication.TotalPassed, after.Indication);
            var check = Assert.Single(after.Signatures[0].Checks, c => c.Id == "seal-revocation");
            Assert.Equal(CheckOutcome.Warning, check.Outcome);
            Assert.Contains("机构撤并", check.Message, StringComparison.Ordinal);
        }
        finally
        {
            var issuer = Samples.IssuerOf(Samples.License("tobacco-retail-license-1.json"));
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/seals", new { department = issuer, kind = "证照专用章" })).StatusCode);
        }
    }

    [Fact]
    public async Task The_registry_verifier_checks_the_signature_policy_and_fails_out_of_order_or_missing_signers()
    {
        var (id, ofd, _) = await IssueAsync("medical-death-certificate-1.json");
        var verifier = Factory.Services.GetRequiredService<DocumentVerifier>();
        var good = await verifier.VerifyOfdAsync(ofd);
        Assert.Equal(Indication.TotalPassed, good.Indication);
        Assert.Contains(good.DocumentChecks, c => c.Id == "signature-policy" && c.Outcome == CheckOutcome.Passed
            && c.Message.Contains("重庆市卫生健康委员会 → 重庆市公安局 → 重庆市民政局", StringComparison.Ordinal));

        // The same license sealed by the right parties in the wrong order, and by the issuer alone.
        var keys = Factory.Services.GetRequiredService<ElectronicLicense.Licenses.Sealing.RegistryKeys>();
        var seals = Factory.Services.GetRequiredService<ElectronicLicense.Licenses.Sealing.SealRegistry>();
        var directory = (await Factory.Services.GetRequiredService<ElectronicLicense.Licenses.Departments.DepartmentDirectory>().ListAsync()).ToDictionary(d => d.Code.Value);
        Assert.True(OfdPackage.TryOpen(ofd, OfdReadLimits.Default, out var signed, out _));
        var unsigned = OfdPackage.Create(signed.Entries
            .Where(e => !e.Key.StartsWith("Doc_0/Signs/", StringComparison.Ordinal))
            .Select(e => e.Key == "OFD.xml"
                ? new KeyValuePair<string, ReadOnlyMemory<byte>>(e.Key, System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(e.Value.Span).Replace("<ofd:Signatures>/Doc_0/Signs/Signatures.xml</ofd:Signatures>", "", StringComparison.Ordinal)))
                : e));
        var pageId = System.Xml.Linq.XDocument.Parse(System.Text.Encoding.UTF8.GetString(signed.GetEntry("Doc_0/Document.xml").Span))
            .Descendants().First(e => e.Name.LocalName == "Page").Attribute("ID")!.Value;

        async Task<byte[]> SealAsync(params (string Code, string Kind)[] parties)
        {
            var package = unsigned;
            byte[] bytes = [];
            foreach (var (code, kind) in parties)
            {
                var department = directory[code];
                var seal = await seals.ActiveSealAsync(department, kind, makeDemoSeal: true, default);
                bytes = OfdSigner.Sign(package, new OfdSealRequest(keys.ForDepartment(department), seal, [new StampPlacement(pageId, 10, 200, 42, 42)], DateTimeOffset.UtcNow));
                Assert.True(OfdPackage.TryOpen(bytes, OfdReadLimits.Default, out package, out _));
            }

            return bytes;
        }

        var swapped = await verifier.VerifyOfdAsync(await SealAsync((Health, "证照专用章"), (CivilAffairs, "业务专用章"), (Police, "业务专用章")));
        var alone = await verifier.VerifyOfdAsync(await SealAsync((Health, "证照专用章")));

        Assert.Equal((Indication.TotalFailed, SubIndication.SigConstraintsFailure), (swapped.Indication, swapped.SubIndication));
        Assert.All(swapped.Signatures, s => Assert.Equal(Indication.TotalPassed, s.Indication));
        Assert.Contains("out of order", Assert.Single(swapped.DocumentChecks, c => c.Id == "signature-policy").Message, StringComparison.Ordinal);
        Assert.Equal(Indication.TotalFailed, alone.Indication);
        Assert.Contains("is missing", Assert.Single(alone.DocumentChecks, c => c.Id == "signature-policy").Message, StringComparison.Ordinal);
        _ = id;
    }

    [Fact]
    public async Task Bad_seal_requests_name_the_field()
    {
        var admin = Factory.ClientFor(Samples.BigDataBureau, "admin");

        var response = await admin.PostAsJsonAsync("/api/v1/seals", new { department = "123", kind = "私章", picturePngBase64 = Convert.ToBase64String("not a png"u8.ToArray()) });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var pointers = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray().Select(e => (string)e!["pointer"]!).ToList();
        Assert.Equal(["/department", "/kind", "/picture"], pointers);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/seals/50000099999999")).StatusCode);
    }

    [Fact]
    public async Task A_license_without_a_document_in_the_format_asked_is_a_clear_404()
    {
        // A historical license pushed with its PDF is kept as received: the registry issues no OFD for it.
        var body = Sample("business-license-1.json");
        body["原始文件"] = new JsonObject { ["格式"] = "pdf", ["内容"] = Convert.ToBase64String("%PDF-1.7\n%%EOF\n"u8.ToArray()) };
        var client = Factory.ClientFor(Samples.IssuerOf(body), "issuer");
        var pushed = await client.PostAsync("/api/v1/licenses", Samples.Json(body));
        Assert.True(pushed.StatusCode == HttpStatusCode.Created, await pushed.Content.ReadAsStringAsync());
        var id = (string)(await pushed.Content.ReadFromJsonAsync<JsonObject>())!["licenseId"]!;

        var pdf = await client.GetAsync($"/api/v1/licenses/{id}/document?format=pdf");
        var ofd = await client.GetAsync($"/api/v1/licenses/{id}/document?format=ofd");
        var bad = await client.GetAsync($"/api/v1/licenses/{id}/document?format=docx");

        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, ofd.StatusCode);
        Assert.Equal("urn:elic:problem:document-not-found", (string)(await ofd.Content.ReadFromJsonAsync<JsonObject>())!["type"]!);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
    }

    [Fact]
    public async Task Keys_are_encrypted_at_rest_and_the_trust_anchor_is_published()
    {
        _ = Factory.Server;
        var keys = Path.Combine(Factory.DataDirectory, "keys");
        var files = Directory.GetFiles(keys, "*.p12");

        Assert.Contains(files, f => Path.GetFileName(f) == "registry-ca.p12");
        Assert.Contains(files, f => Path.GetFileName(f) == "seal-maker.p12");
        Assert.Contains(files, f => Path.GetFileName(f) == $"dept-{Police}-sm2.p12");
        Assert.Contains(files, f => Path.GetFileName(f) == $"dept-{Police}-p256.p12");
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in files)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }

        Assert.Throws<CryptographicException>(() => SigningKey.FromPkcs12(File.ReadAllBytes(files[0]), "wrong password"));
        Assert.True(File.Exists(Path.Combine(keys, "trust", "registry-ca.pem")));
    }
}
