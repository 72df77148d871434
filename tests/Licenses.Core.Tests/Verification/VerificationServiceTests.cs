using ElectronicLicense.Licenses.Lifecycle;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Tests.Samples;
using ElectronicLicense.Licenses.Verification;
using ElectronicLicense.Seals.Verification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Licenses.Tests.Verification;

/// <summary>核验 by 证照标识, QR payload and file: the named registry checks, the verdict and the receipt.</summary>
public class VerificationServiceTests(VerificationRegistry registry) : IClassFixture<VerificationRegistry>
{
    private const string DistrictRegulator = "11500103MB15030211"; // 重庆市渝中区市场监督管理局: issues 食品经营许可证
    private const string BigData = "11500000MB1512016F";           // 重庆市大数据应用发展管理局: verifier
    private const string Health = "11500000MB1507014M";            // 重庆市卫生健康委员会: issues 医疗机构死亡证明 (three signers)

    private static JsonObject Sample(string file)
    {
        var body = JsonNode.Parse(File.ReadAllText(RepositoryFiles.Sample("licenses", file)))!.AsObject();
        body["证照编号"] = "V" + Guid.NewGuid().ToString("N")[..20].ToUpperInvariant();
        return body;
    }

    private async Task<(LicenseId Id, JsonObject Body, DepartmentIdentity Issuer)> PushAsync(string file = "food-business-license-1.json")
    {
        var body = Sample(file);
        var issuer = await registry.ActAsAsync((string)body["颁发机构代码"]!, DepartmentRole.Issuer);
        var result = await registry.Ingest.IngestAsync(issuer, body.ToJsonString());
        Assert.True(result.LicenseId is not null, result.Error?.Message);
        return (result.LicenseId!, body, issuer);
    }

    private Task<DepartmentIdentity> VerifierAsync() => registry.ActAsAsync(BigData, DepartmentRole.Verifier);

    private static RegistryCheck Check(VerificationReport report, string id) => report.RegistryChecks.Single(c => c.Id == id);

    [Fact]
    public async Task A_valid_license_passes_every_registry_check_and_its_receipt_covers_the_canonical_report()
    {
        var (id, _, _) = await PushAsync();
        var verifier = await VerifierAsync();

        var result = await registry.Verification.VerifyLicenseAsync(verifier, id);

        var report = result.Report;
        Assert.Equal("TOTAL-PASSED", report.Indication);
        Assert.Null(report.SubIndication);
        Assert.Equal(VerificationConclusions.Valid, report.Conclusion);
        Assert.Equal(id.Value, report.LicenseId);
        Assert.Equal(id.Value, report.CurrentLicenseId);
        Assert.Equal("valid", report.Status);
        Assert.Equal(RegistryCheckResult.Passed, Check(report, RegistryCheckIds.Registered).Result);
        Assert.Equal(RegistryCheckResult.Passed, Check(report, RegistryCheckIds.CurrentVersion).Result);
        Assert.Equal(RegistryCheckResult.Passed, Check(report, RegistryCheckIds.Status).Result);
        Assert.Contains("2030-05-09", Check(report, RegistryCheckIds.Status).Message, StringComparison.Ordinal);
        Assert.Equal(RegistryCheckResult.Passed, Check(report, RegistryCheckIds.IssuerAuthorised).Result);
        Assert.Equal(RegistryCheckResult.NotApplicable, Check(report, RegistryCheckIds.SignersMatch).Result);
        Assert.Null(report.Document);

        // The receipt: the report's hash, the verifier, a P-256 signature by the registry's receipt key over its signed text.
        var receipt = result.Receipt;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(result.CanonicalReport.Span)), receipt.ReportSha256);
        Assert.Equal(result.CanonicalReport.ToArray(), VerificationJson.Serialize(report));
        Assert.Equal(BigData, receipt.Department);
        Assert.Equal("TOTAL-PASSED", receipt.Indication);
        var certificate = registry.Verification.ReceiptCertificate;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)), receipt.KeyId);
        using var key = certificate.GetECDsaPublicKey()!;
        Assert.True(key.VerifyData(Encoding.UTF8.GetBytes(receipt.SignedText), Convert.FromBase64String(receipt.Signature),
            HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.False(key.VerifyData(Encoding.UTF8.GetBytes(receipt.SignedText.Replace("TOTAL-PASSED", "TOTAL-FAILED", StringComparison.Ordinal)),
            Convert.FromBase64String(receipt.Signature), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        // Stored: the department reads back the same bytes; another department may not.
        var stored = await registry.Verification.FindAsync(verifier, receipt.Id);
        Assert.NotNull(stored);
        Assert.Equal(result.CanonicalReport.ToArray(), stored.CanonicalReport.ToArray());
        Assert.Equal(receipt, stored.Receipt);
        var other = await registry.ActAsAsync(Health, DepartmentRole.Issuer);
        var denied = await Assert.ThrowsAsync<RegistryException>(() => registry.Verification.FindAsync(other, receipt.Id));
        Assert.Equal(RegistryErrorCodes.NotAuthorised, denied.Code);
    }

    [Fact]
    public async Task A_verification_is_audited_with_license_type_holder_and_verdict_and_the_report_holds_no_holder_data()
    {
        var (id, body, _) = await PushAsync();
        var holder = (string)body["持证主体代码"]!;

        var result = await registry.Verification.VerifyLicenseAsync(await VerifierAsync(), id);

        var events = await registry.Services.GetRequiredService<IAuditTrail>().ForHolderAsync(holder, 0, 1000);
        var entry = events.Select(e => e.Entry).Single(e => e.Action == AuditActions.Verify && e.LicenseId == id.Value);
        Assert.Equal(AuditOutcome.Success, entry.Outcome);
        Assert.Equal(BigData, entry.Department);
        Assert.Equal(id.TypeCode.Value, entry.TypeCode);
        Assert.Contains("TOTAL-PASSED", entry.Detail, StringComparison.Ordinal);
        Assert.Contains(result.Receipt.Id.ToString("D"), entry.Detail, StringComparison.Ordinal);
        var json = Encoding.UTF8.GetString(result.CanonicalReport.Span);
        Assert.DoesNotContain(holder, json, StringComparison.Ordinal);
        Assert.DoesNotContain((string)body["持证主体"]!, json, StringComparison.Ordinal);
        Assert.DoesNotContain(holder, entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_verifications_each_return_a_receipt_that_is_stored_with_exactly_one_audit_event_naming_it()
    {
        var (id, body, _) = await PushAsync();
        var holder = (string)body["持证主体代码"]!;
        var verifier = await VerifierAsync();

        // Many at once, so several share one commit of the audit log's writer.
        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => registry.Verification.VerifyLicenseAsync(verifier, id))));

        var events = (await registry.Services.GetRequiredService<IAuditTrail>().ForHolderAsync(holder, 0, 1000))
            .Where(e => e.Entry.Action == AuditActions.Verify && e.Entry.LicenseId == id.Value).ToArray();
        Assert.Equal(64, results.Select(r => r.Receipt.Id).Distinct().Count());
        foreach (var result in results)
        {
            var stored = await registry.Verification.FindAsync(verifier, result.Receipt.Id);
            Assert.NotNull(stored);
            Assert.Equal(result.CanonicalReport.ToArray(), stored.CanonicalReport.ToArray());
            Assert.Single(events, e => e.Entry.Detail!.Contains("receipt=" + result.Receipt.Id.ToString("D"), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_revoked_license_fails_with_the_reason_and_the_date()
    {
        var (id, _, issuer) = await PushAsync();
        await registry.Lifecycle.ChangeStatusAsync(issuer, id, LifecycleAction.Revoke, "revoked-by-authority", null);
        var today = registry.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var report = (await registry.Verification.VerifyLicenseAsync(await VerifierAsync(), id)).Report;

        Assert.Equal("TOTAL-FAILED", report.Indication);
        Assert.Equal("REVOKED", report.SubIndication);
        Assert.Equal(VerificationConclusions.Revoked, report.Conclusion);
        Assert.Equal("revoked", report.Status);
        var status = Check(report, RegistryCheckIds.Status);
        Assert.Equal(RegistryCheckResult.Failed, status.Result);
        Assert.Contains("吊销", status.Message, StringComparison.Ordinal);
        Assert.Contains(today, status.Message, StringComparison.Ordinal);
        Assert.Equal("revoked-by-authority", report.LastStatusChange!.ReasonCode);
        Assert.Equal(DistrictRegulator, report.LastStatusChange.ByDepartment);
        Assert.Equal(RegistryCheckResult.Passed, Check(report, RegistryCheckIds.Registered).Result);
    }

    [Fact]
    public async Task A_suspended_license_is_indeterminate_and_passes_again_once_resumed()
    {
        var (id, _, issuer) = await PushAsync();
        await registry.Lifecycle.ChangeStatusAsync(issuer, id, LifecycleAction.Suspend, "under-investigation", null);
        var verifier = await VerifierAsync();

        var suspended = (await registry.Verification.VerifyLicenseAsync(verifier, id)).Report;

        Assert.Equal("INDETERMINATE", suspended.Indication);
        Assert.Equal("TRY_LATER", suspended.SubIndication);
        Assert.Equal(VerificationConclusions.Suspended, suspended.Conclusion);
        Assert.Contains("调查中", Check(suspended, RegistryCheckIds.Status).Message, StringComparison.Ordinal);
        Assert.Equal(RegistryCheckResult.Failed, Check(suspended, RegistryCheckIds.Status).Result);

        await registry.Lifecycle.ChangeStatusAsync(issuer, id, LifecycleAction.Resume, "investigation-closed", null);
        var resumed = (await registry.Verification.VerifyLicenseAsync(verifier, id)).Report;
        Assert.Equal("TOTAL-PASSED", resumed.Indication);
        Assert.Equal(RegistryCheckResult.Passed, Check(resumed, RegistryCheckIds.Status).Result);
    }

    [Fact]
    public async Task A_license_past_its_end_date_is_expired_on_the_moved_clock()
    {
        var (id, _, _) = await PushAsync();
        var verifier = await VerifierAsync();
        var end = new DateTimeOffset(2030, 5, 9, 23, 59, 0, TimeSpan.FromHours(8));
        try
        {
            registry.Clock.Offset = end - registry.Clock.GetUtcNow() - TimeSpan.FromMinutes(30);
            Assert.Equal("TOTAL-PASSED", (await registry.Verification.VerifyLicenseAsync(verifier, id)).Report.Indication);

            registry.Clock.Offset += TimeSpan.FromHours(1);
            var report = (await registry.Verification.VerifyLicenseAsync(verifier, id)).Report;

            Assert.Equal("TOTAL-FAILED", report.Indication);
            Assert.Equal("EXPIRED", report.SubIndication);
            Assert.Equal("expired", report.Status);
            Assert.Equal(RegistryCheckResult.Failed, Check(report, RegistryCheckIds.Status).Result);
            Assert.Contains("2030-05-09", Check(report, RegistryCheckIds.Status).Message, StringComparison.Ordinal);
        }
        finally
        {
            registry.Clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task A_superseded_version_says_so_and_names_the_current_one()
    {
        var (id, body, issuer) = await PushAsync();
        body["照面"]!["经营场所"] = "重庆市渝中区解放碑街道民族路100号";
        body["变更"] = new JsonObject { ["原因"] = "经营场所变更" };
        var changed = await registry.Ingest.IngestAsync(issuer, body.ToJsonString());
        Assert.True(changed.LicenseId is not null, changed.Error?.Message);
        var verifier = await VerifierAsync();

        var old = (await registry.Verification.VerifyLicenseAsync(verifier, id)).Report;

        Assert.Equal("INDETERMINATE", old.Indication);
        Assert.Equal(VerificationConclusions.Superseded, old.Conclusion);
        Assert.Equal(1, old.Version);
        Assert.Equal(changed.LicenseId!.Value, old.CurrentLicenseId);
        var current = Check(old, RegistryCheckIds.CurrentVersion);
        Assert.Equal(RegistryCheckResult.Failed, current.Result);
        Assert.Contains(changed.LicenseId.Value, current.Message, StringComparison.Ordinal);
        Assert.Equal(RegistryCheckResult.Passed, Check(old, RegistryCheckIds.Status).Result);

        var now = (await registry.Verification.VerifyLicenseAsync(verifier, changed.LicenseId)).Report;
        Assert.Equal("TOTAL-PASSED", now.Indication);
        Assert.Equal(2, now.Version);
    }

    [Fact]
    public async Task An_unknown_license_id_is_reported_not_registered()
    {
        var (id, _, _) = await PushAsync();
        var unknown = LicenseId.Create(id.TypeCode, id.Issuer, "2099999999", 1);

        var report = (await registry.Verification.VerifyLicenseAsync(await VerifierAsync(), unknown)).Report;

        Assert.Equal("TOTAL-FAILED", report.Indication);
        Assert.Equal(VerificationConclusions.NotRegistered, report.Conclusion);
        Assert.Equal(RegistryCheckResult.Failed, Check(report, RegistryCheckIds.Registered).Result);
        Assert.All(report.RegistryChecks.Where(c => c.Id != RegistryCheckIds.Registered), c => Assert.Equal(RegistryCheckResult.NotApplicable, c.Result));
        Assert.StartsWith("not registered", report.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_QR_payload_verifies_the_license_it_names_and_a_foreign_payload_is_refused_naming_the_field()
    {
        var (id, _, _) = await PushAsync();
        var verifier = await VerifierAsync();

        var report = (await registry.Verification.VerifyQrPayloadAsync(verifier, "urn:elic:license:" + id.Value)).Report;

        Assert.Equal(VerificationSubject.QrPayload, report.Subject);
        Assert.Equal("TOTAL-PASSED", report.Indication);
        Assert.Equal(id.Value, report.LicenseId);
        foreach (var payload in new[] { "https://example.com/x", "urn:elic:license:1.2.156.3005.2.bad" })
        {
            var error = await Assert.ThrowsAsync<RegistryException>(() => registry.Verification.VerifyQrPayloadAsync(verifier, payload));
            Assert.Equal(RegistryErrorCodes.InvalidVerificationRequest, error.Code);
            Assert.Equal("/qrPayload", Assert.Single(error.Errors).Pointer);
        }

        var presentation = await Assert.ThrowsAsync<RegistryException>(() =>
            registry.Verification.VerifyQrPayloadAsync(verifier, "urn:elic:presentation:NSSC4FCCU7NSKVE6CSSLG2XIUV2YQA6O"));
        Assert.Contains("/api/v1/presentations/redeem", Assert.Single(presentation.Errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ofd")]
    [InlineData("pdf")]
    public async Task An_issued_three_party_file_passes_and_is_matched_to_its_registered_version(string format)
    {
        var (id, _, issuer) = await PushAsync("medical-death-certificate-1.json");
        var file = await registry.DocumentAsync(issuer, id, format);

        var report = (await registry.Verification.VerifyFileAsync(await VerifierAsync(), file)).Report;

        Assert.True(report.Indication == "TOTAL-PASSED", report.Summary + " " + string.Join("; ", report.RegistryChecks.Select(c => $"{c.Id} {c.Result} {c.Message}")));
        Assert.Equal(VerificationSubject.File, report.Subject);
        Assert.Equal(format, report.Document!.Format);
        Assert.Equal(Indication.TotalPassed, report.Document.Indication);
        Assert.Equal(3, report.Document.Signatures.Count);
        Assert.Equal(id.Value, report.LicenseId);
        Assert.Contains($"issued {format.ToUpperInvariant()}", Check(report, RegistryCheckIds.Registered).Message, StringComparison.Ordinal);
        Assert.Equal(RegistryCheckResult.Passed, Check(report, RegistryCheckIds.SignersMatch).Result);
        Assert.Equal(RegistryCheckResult.Passed, Check(report, RegistryCheckIds.Status).Result);
        Assert.StartsWith("intact, signed by 重庆市卫生健康委员会", report.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ofd")]
    [InlineData("pdf")]
    public async Task The_same_file_with_one_byte_changed_fails(string format)
    {
        var (id, _, issuer) = await PushAsync();
        var file = await registry.DocumentAsync(issuer, id, format);
        var random = new Random(file.Length);
        var offset = random.Next(8, file.Length);
        file[offset] ^= (byte)random.Next(1, 256);

        var report = (await registry.Verification.VerifyFileAsync(await VerifierAsync(), file)).Report;

        Assert.True(report.Indication == "TOTAL-FAILED", $"byte {offset} changed: {report.Indication} {report.Summary}");
        Assert.Equal(VerificationConclusions.DocumentFailed, report.Conclusion);
        Assert.Equal(RegistryCheckResult.Failed, Check(report, RegistryCheckIds.Registered).Result);
    }

    [Fact]
    public async Task An_intact_file_whose_registry_record_is_gone_is_reported_intact_signed_and_not_registered()
    {
        var (id, _, issuer) = await PushAsync();
        var file = await registry.DocumentAsync(issuer, id, "ofd");
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(file));
        await registry.ExecuteAsync(db => db.LicenseDocuments.Where(d => d.Sha256 == sha256).ExecuteDeleteAsync());

        var report = (await registry.Verification.VerifyFileAsync(await VerifierAsync(), file)).Report;

        Assert.Equal(Indication.TotalPassed, report.Document!.Indication);
        Assert.Equal("TOTAL-FAILED", report.Indication);
        Assert.Equal(VerificationConclusions.NotRegistered, report.Conclusion);
        Assert.Equal("intact, signed by 重庆市渝中区市场监督管理局, not registered", report.Summary);
        Assert.Contains(sha256, Check(report, RegistryCheckIds.Registered).Message, StringComparison.Ordinal);
        Assert.Null(report.LicenseId);
    }

    [Fact]
    public async Task Bytes_that_are_neither_PDF_nor_OFD_are_refused_as_unsupported()
    {
        var error = await Assert.ThrowsAsync<RegistryException>(async () =>
            await registry.Verification.VerifyFileAsync(await VerifierAsync(), "GIF89a not a license"u8.ToArray()));
        Assert.Equal(RegistryErrorCodes.UnsupportedMediaType, error.Code);
    }

    [Fact]
    public void The_canonical_report_json_is_stable_compact_and_uses_ETSI_spellings()
    {
        var report = new VerificationReport(VerificationSubject.LicenseId, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), "x", 1, "x", null, null, null, null,
            "valid", null, null, [new RegistryCheck(RegistryCheckIds.SignersMatch, RegistryCheckResult.NotApplicable, "无")], "TOTAL-PASSED", null, "valid", "ok");

        var json = Encoding.UTF8.GetString(VerificationJson.Serialize(report));

        Assert.Equal("""{"subject":"license-id","verifiedAt":"2026-01-02T03:04:05+00:00","licenseId":"x","version":1,"currentLicenseId":"x","status":"valid","registryChecks":[{"id":"signers-match","result":"NOT_APPLICABLE","message":"无"}],"indication":"TOTAL-PASSED","conclusion":"valid","summary":"ok"}""", json);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(json).RootElement.ValueKind);
    }
}
