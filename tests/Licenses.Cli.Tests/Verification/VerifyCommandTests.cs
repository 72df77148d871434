using System.Text.Json;
using ElectronicLicense.Cli.Tests.Support;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Cli.Tests.Verification;

public sealed class VerifyCommandTests : IDisposable
{
    private readonly TempDirectory temp = new();

    private static string Interop(string name) => Repository.Path("tests", "Seals.Tests", "Interop", name);

    public void Dispose() => temp.Dispose();

    private string Write(string name, byte[] bytes)
    {
        var path = temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string TrustFolder()
    {
        var folder = temp.File("trust");
        SealingFixture.WriteTrustFolder(folder);
        return folder;
    }

    [Fact]
    public async Task Three_party_sealed_ofd_with_our_ca_trusted_is_total_passed_exit_0()
    {
        var run = await Elic.RunAsync("verify", Write("signed.ofd", SealingFixture.ThreeSeals), "--trust", TrustFolder());

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n');
        Assert.StartsWith("TOTAL-PASSED", lines[0], StringComparison.Ordinal);
        Assert.Contains("3 of 3 signatures passed", lines[0], StringComparison.Ordinal);
        Assert.Contains("SHA-256", run.Output, StringComparison.Ordinal);
        Assert.Contains("SM3", run.Output, StringComparison.Ordinal);
        foreach (var (signer, seal) in SealingFixture.Parties)
        {
            Assert.Contains(signer.Certificate.Subject, run.Output, StringComparison.Ordinal);
            Assert.Contains($"{seal.EsId} {seal.Name} (v4)", run.Output, StringComparison.Ordinal);
        }

        Assert.Contains("signature 2  /Doc_0/Signs/Sign_2/Signature.xml  TOTAL-PASSED", run.Output, StringComparison.Ordinal);
        Assert.Contains("✓ signature-value", run.Output, StringComparison.Ordinal);
        Assert.Contains("document checks", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("✗", run.Output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Error);
    }

    [Fact]
    public async Task One_byte_changed_in_the_page_content_is_total_failed_exit_1()
    {
        var run = await Elic.RunAsync("verify", Write("changed.ofd", SealingFixture.ThreeSealsWithChangedContent()), "--trust", TrustFolder());

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith("TOTAL-FAILED (HASH_FAILURE)", run.Output, StringComparison.Ordinal);
        Assert.Contains($"✗ reference:/{SealingFixture.ContentPath}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changed_content_in_json_names_the_failed_reference()
    {
        var run = await Elic.RunAsync("verify", Write("changed.ofd", SealingFixture.ThreeSealsWithChangedContent()), "--trust", TrustFolder(), "--json");

        Assert.True(run.ExitCode == 1, run.ToString());
        using var report = JsonDocument.Parse(run.Output);
        Assert.Equal("TOTAL-FAILED", report.RootElement.GetProperty("indication").GetString());
        Assert.Equal("HASH_FAILURE", report.RootElement.GetProperty("subIndication").GetString());
        var failed = report.RootElement.GetProperty("signatures").EnumerateArray()
            .SelectMany(s => s.GetProperty("checks").EnumerateArray())
            .Where(c => c.GetProperty("outcome").GetString() == "failed")
            .Select(c => c.GetProperty("id").GetString())
            .ToList();
        Assert.Contains($"reference:/{SealingFixture.ContentPath}", failed);
    }

    [Fact]
    public async Task Json_report_carries_the_verdict_each_signer_and_each_check_id()
    {
        var run = await Elic.RunAsync("verify", Write("signed.ofd", SealingFixture.ThreeSeals), "--trust", TrustFolder(), "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var report = JsonDocument.Parse(run.Output);
        var root = report.RootElement;
        Assert.Equal("TOTAL-PASSED", root.GetProperty("indication").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("subIndication").ValueKind);
        Assert.Equal("ofd", root.GetProperty("format").GetString());
        Assert.Matches("^[0-9a-f]{64}$", root.GetProperty("sha256").GetString()!);
        Assert.Matches("^[0-9a-f]{64}$", root.GetProperty("sm3").GetString()!);

        var signatures = root.GetProperty("signatures").EnumerateArray().ToArray();
        Assert.Equal(3, signatures.Length);
        for (var i = 0; i < signatures.Length; i++)
        {
            var (signer, seal) = SealingFixture.Parties[i];
            Assert.Equal(i, signatures[i].GetProperty("index").GetInt32());
            Assert.Equal($"/Doc_0/Signs/Sign_{i}/Signature.xml", signatures[i].GetProperty("id").GetString());
            Assert.Equal(signer.Certificate.Subject, signatures[i].GetProperty("signer").GetString());
            Assert.Equal("TOTAL-PASSED", signatures[i].GetProperty("indication").GetString());
            Assert.Equal(seal.EsId, signatures[i].GetProperty("seal").GetProperty("esId").GetString());
            Assert.Equal(seal.Name, signatures[i].GetProperty("seal").GetProperty("name").GetString());
            var checkIds = signatures[i].GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
            Assert.Contains("signature-value", checkIds);
            Assert.Contains("seal-signature", checkIds);
            Assert.Contains("signer-certificate", checkIds);
            Assert.Contains("seal-maker-certificate", checkIds);
            Assert.All(signatures[i].GetProperty("checks").EnumerateArray(), c => Assert.Equal("passed", c.GetProperty("outcome").GetString()));
        }

        Assert.Contains(root.GetProperty("documentChecks").EnumerateArray(), c => c.GetProperty("id").GetString() == "package");

        // Chinese stays readable in the JSON text, not \u-escaped.
        Assert.Contains("重庆市公安局", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interop_document_without_trust_is_indeterminate_exit_2()
    {
        var run = await Elic.RunAsync("verify", Interop("SESV4SignDoc.ofd"));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("INDETERMINATE", run.Output, StringComparison.Ordinal);
        Assert.Contains("✓ signature-value", run.Output, StringComparison.Ordinal);
        Assert.Contains("? signer-certificate", run.Output, StringComparison.Ordinal);
        Assert.Contains("51f044b76510434e9bc67a1185c2fba5", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Same_document_without_trust_is_indeterminate_not_passed()
    {
        var run = await Elic.RunAsync("verify", Write("signed.ofd", SealingFixture.ThreeSeals), "--json");

        Assert.True(run.ExitCode == 2, run.ToString());
        using var report = JsonDocument.Parse(run.Output);
        Assert.Equal("INDETERMINATE", report.RootElement.GetProperty("indication").GetString());
        Assert.Equal("NO_CERTIFICATE_CHAIN_FOUND", report.RootElement.GetProperty("subIndication").GetString());
    }

    [Fact]
    public async Task Signer_cert_lets_a_bare_digital_signature_be_checked()
    {
        var user = SigningKey.FromPkcs12(File.ReadAllBytes(Interop("USER.p12")), "777777");
        var certificate = temp.File("user.pem");
        File.WriteAllText(certificate, user.Certificate.ExportCertificatePem());

        var without = await Elic.RunAsync("verify", Interop("DigitalSign.ofd"), "--json");
        var with = await Elic.RunAsync("verify", Interop("DigitalSign.ofd"), "--json", "--signer-cert", certificate);

        Assert.True(without.ExitCode == 2, without.ToString());
        Assert.Equal("indeterminate", SignatureValue(without).GetProperty("outcome").GetString());
        Assert.True(with.ExitCode == 2, with.ToString()); // the ofdrw test certificate is expired and untrusted
        Assert.Equal("passed", SignatureValue(with).GetProperty("outcome").GetString());
        Assert.DoesNotContain("PRIVATE KEY", with.Output, StringComparison.Ordinal);

        static JsonElement SignatureValue(CliRun run)
        {
            using var report = JsonDocument.Parse(run.Output);
            return report.RootElement.GetProperty("signatures")[0].GetProperty("checks").EnumerateArray()
                .Single(c => c.GetProperty("id").GetString() == "signature-value").Clone();
        }
    }

    [Fact]
    public async Task Trust_folder_of_der_files_works_like_pem()
    {
        var folder = temp.File("trust-der");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "ca.cer"), SealingFixture.Ca.Certificate.RawData);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "ignored: not a certificate extension");

        var run = await Elic.RunAsync("verify", Write("signed.ofd", SealingFixture.ThreeSeals), "--trust", folder);

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task Missing_file_is_a_usage_error_64()
    {
        var run = await Elic.RunAsync("verify", temp.File("nothing-here.ofd"));

        Assert.Equal(64, run.ExitCode);
        Assert.Contains("nothing-here.ofd", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Output);
    }

    [Fact]
    public async Task Text_file_is_a_usage_error_64()
    {
        var run = await Elic.RunAsync("verify", Write("notes.txt", "这不是 OFD 文件\n"u8.ToArray()));

        Assert.Equal(64, run.ExitCode);
        Assert.Contains("neither an OFD", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Three_party_signed_pdf_with_our_ca_trusted_is_total_passed_exit_0()
    {
        var run = await Elic.RunAsync("verify", Write("signed.pdf", SealingFixture.ThreeSignedPdf), "--trust", TrustFolder());

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n');
        Assert.StartsWith("TOTAL-PASSED", lines[0], StringComparison.Ordinal);
        Assert.Contains("3 of 3 signatures passed", lines[0], StringComparison.Ordinal);
        Assert.Contains("(pdf, ", run.Output, StringComparison.Ordinal);
        foreach (var (signer, _) in SealingFixture.Parties)
        {
            Assert.Contains(signer.Certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false), run.Output, StringComparison.Ordinal);
        }

        Assert.Contains("signature 2  seal3-11500000MB15020105  TOTAL-PASSED", run.Output, StringComparison.Ordinal);
        Assert.Contains("✓ signer-certificate", run.Output, StringComparison.Ordinal);
        Assert.Contains("✓ docmdp", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("✗", run.Output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Error);
    }

    [Fact]
    public async Task Signed_pdf_without_trust_is_indeterminate_exit_2()
    {
        var run = await Elic.RunAsync("verify", Write("signed.pdf", SealingFixture.ThreeSignedPdf), "--json");

        Assert.True(run.ExitCode == 2, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("pdf", json.RootElement.GetProperty("format").GetString());
        Assert.Equal("INDETERMINATE", json.RootElement.GetProperty("indication").GetString());
        Assert.Equal("NO_CERTIFICATE_CHAIN_FOUND", json.RootElement.GetProperty("subIndication").GetString());
    }

    [Fact]
    public async Task Signed_pdf_with_one_byte_changed_in_a_signed_range_is_total_failed_exit_1()
    {
        var pdf = SealingFixture.ThreeSignedPdf.ToArray();
        var at = pdf.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(SealingFixture.PdfPageText));
        Assert.True(at > 0);
        pdf[at] = (byte)'F'; // "Electronic" → "Flectronic": covered by every signature's first range

        var run = await Elic.RunAsync("verify", Write("changed.pdf", pdf), "--trust", TrustFolder());

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith("TOTAL-FAILED (HASH_FAILURE)", run.Output, StringComparison.Ordinal);
        Assert.Contains("✗ message-digest", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_pdf_is_total_failed_format_failure()
    {
        var run = await Elic.RunAsync("verify", Write("a.pdf", "%PDF-1.7\n%%EOF\n"u8.ToArray()), "--json");

        Assert.True(run.ExitCode == 1, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("FORMAT_FAILURE", json.RootElement.GetProperty("subIndication").GetString());
    }

    [Fact]
    public async Task Broken_zip_with_the_ofd_signature_is_total_failed_format_failure()
    {
        var run = await Elic.RunAsync("verify", Write("broken.ofd", [.. "PK\x03\x04"u8, .. new byte[100]]), "--json");

        Assert.True(run.ExitCode == 1, run.ToString());
        using var report = JsonDocument.Parse(run.Output);
        Assert.Equal("FORMAT_FAILURE", report.RootElement.GetProperty("subIndication").GetString());
    }

    [Fact]
    public async Task Unreadable_trust_folder_is_a_usage_error_64()
    {
        var missing = await Elic.RunAsync("verify", Interop("SESV4SignDoc.ofd"), "--trust", temp.File("no-such-folder"));
        var empty = Directory.CreateDirectory(temp.File("empty")).FullName;
        var noCertificates = await Elic.RunAsync("verify", Interop("SESV4SignDoc.ofd"), "--trust", empty);
        File.WriteAllText(Path.Combine(empty, "bad.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        var badCertificate = await Elic.RunAsync("verify", Interop("SESV4SignDoc.ofd"), "--trust", empty);

        Assert.Equal(64, missing.ExitCode);
        Assert.Contains("trust folder", missing.Error, StringComparison.Ordinal);
        Assert.Equal(64, noCertificates.ExitCode);
        Assert.Contains("holds no certificate file", noCertificates.Error, StringComparison.Ordinal);
        Assert.Equal(64, badCertificate.ExitCode);
        Assert.Contains("bad.pem", badCertificate.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_option_and_missing_argument_are_usage_errors_64()
    {
        var unknown = await Elic.RunAsync("verify", Interop("SESV4SignDoc.ofd"), "--frobnicate");
        var noFile = await Elic.RunAsync("verify");

        Assert.Equal(64, unknown.ExitCode);
        Assert.Equal(64, noFile.ExitCode);
        Assert.Contains("elic verify --help", noFile.Error, StringComparison.Ordinal);
    }
}
