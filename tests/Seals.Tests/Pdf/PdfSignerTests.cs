using System.Text;
using System.Text.RegularExpressions;
using ElectronicLicense.Seals.Pdf;
using ElectronicLicense.Seals.Verification;
using static ElectronicLicense.Seals.Tests.Pdf.PdfTestFiles;

namespace ElectronicLicense.Seals.Tests.Pdf;

public class PdfSignerTests
{
    public static TheoryData<string> Layouts => ["classic", "object-streams"];

    private static byte[] Input(string layout) => layout == "classic" ? Classic : ObjectStreams;

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Three_signers_are_all_valid_for_pdfsig_and_the_last_covers_the_whole_file(string layout)
    {
        var signed = SignThree(Input(layout));

        var output = PdfSig(signed);
        Assert.Equal(3, Regex.Matches(output, "Signature is Valid").Count);
        Assert.Single(Regex.Matches(output, "Total document signed"));
        Assert.Matches(@"Signature #3:[\s\S]*Total document signed", output);
        Assert.Contains("ETSI.CAdES.detached", output);
        var (code, check) = QpdfCheck(signed);
        Assert.True(code == 0 || (code == 3 && !check.Contains("ERROR", StringComparison.Ordinal)), check);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Earlier_bytes_are_left_untouched(string layout)
    {
        var input = Input(layout);
        var one = PdfSigner.Sign(input, Request(P256, "甲", certify: true));
        var two = PdfSigner.Sign(one, Request(Rsa, "乙"));

        Assert.True(two.AsSpan(0, input.Length).SequenceEqual(input));
        Assert.True(two.AsSpan(0, one.Length).SequenceEqual(one));
    }

    [Fact]
    public void Xref_kind_follows_the_input()
    {
        var tail = Encoding.ASCII.GetString(PdfSigner.Sign(ObjectStreams, Request(P256, "x"))[ObjectStreams.Length..]);
        Assert.Contains("/Type/XRef", tail.Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.DoesNotContain("\nxref\n", tail, StringComparison.Ordinal);

        var classicTail = Encoding.ASCII.GetString(PdfSigner.Sign(Classic, Request(P256, "x"))[Classic.Length..]);
        Assert.Contains("\nxref\n", classicTail, StringComparison.Ordinal);
        Assert.Contains("/Prev", classicTail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Our_verifier_passes_three_signers_with_the_test_CAs_as_anchors(string layout)
    {
        var report = PdfVerifier.Verify(SignThree(Input(layout)), Trusting);

        Assert.True(report.Indication == Indication.TotalPassed, Describe(report));
        Assert.Equal("pdf", report.Format);
        Assert.Equal(["颁发单位", "联合单位", "公安"], report.Signatures.Select(s => s.Id));
        Assert.Equal("whole document", report.Signatures[2].Coverage);
        Assert.All(report.Signatures, s => Assert.Equal(SigningTime, s.SigningTime));
        Assert.Equal(CheckOutcome.Passed, report.Signatures[0].Checks.Single(c => c.Id == "docmdp").Outcome);
        foreach (var id in new[] { "byte-range", "coverage", "message-digest", "signature-value", "signed-attributes", "signer-certificate", "modifications-after-signing" })
        {
            Assert.All(report.Signatures, s => Assert.Equal(CheckOutcome.Passed, s.Checks.Single(c => c.Id == id).Outcome));
        }
    }

    [Fact]
    public void Unknown_chain_is_indeterminate()
    {
        var report = PdfVerifier.Verify(SignThree(Classic), Untrusting);

        Assert.Equal(Indication.Indeterminate, report.Indication);
        Assert.Equal(SubIndication.NoCertificateChainFound, report.SubIndication);
        Assert.All(report.Signatures, s => Assert.Equal(SubIndication.NoCertificateChainFound, s.SubIndication));
    }

    [Fact]
    public void Sm2_signature_verifies_in_ours()
    {
        // pdfsig and Acrobat do not know SM2: only our verifier can check these.
        var signed = PdfSigner.Sign(Classic, Request(Sm2, "国密签章", certify: true));
        var report = PdfVerifier.Verify(signed, Trusting);

        Assert.True(report.Indication == Indication.TotalPassed, Describe(report));
        signed[100] ^= 1;
        Assert.Equal(SubIndication.HashFailure, PdfVerifier.Verify(signed, Trusting).SubIndication);
    }

    [Fact]
    public void Duplicate_field_names_and_late_certification_are_refused()
    {
        var one = PdfSigner.Sign(Classic, Request(P256, "甲"));

        Assert.Throws<ArgumentException>(() => PdfSigner.Sign(one, Request(Rsa, "甲")));
        Assert.Throws<InvalidOperationException>(() => PdfSigner.Sign(one, Request(Rsa, "乙", certify: true)));
        Assert.Throws<PdfFormatException>(() => PdfSigner.Sign(Encoding.ASCII.GetBytes("%PDF-1.7 garbage"), Request(Rsa, "乙")));
    }

    [Fact]
    public void Too_small_a_reservation_is_reported()
    {
        var request = Request(Rsa, "乙");
        var small = new PdfSignatureRequest
        {
            Key = request.Key,
            FieldName = request.FieldName,
            SigningTime = request.SigningTime,
            ContentsSize = 1024,
        };

        var error = Assert.Throws<InvalidOperationException>(() => PdfSigner.Sign(Classic, small));
        Assert.Contains("ContentsSize", error.Message, StringComparison.Ordinal);
    }
}
