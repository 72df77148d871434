using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ElectronicLicense.Seals.Pdf;
using ElectronicLicense.Seals.Verification;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PdfSharp.Pdf.Signatures;
using static ElectronicLicense.Seals.Tests.Pdf.PdfTestFiles;

namespace ElectronicLicense.Seals.Tests.Pdf;

[Properties(Arbitrary = new[] { typeof(PdfTamperingArbitraries) })]
public class PdfTamperingTests
{
    private static readonly Lazy<byte[]> ThreeSigned = new(() => SignThree(Classic));

    /// <summary>The byte ranges of each signature, in signing order, as our reader sees them.</summary>
    private static List<long[]> Ranges(byte[] pdf)
    {
        var file = PdfFile.Open(pdf);
        return [.. file.Fields().Where(f => f.Type == "Sig")
            .Select(f => ((PdfArray)file.ResolveDictionary(f.Dictionary["V"])!["ByteRange"]!).Items.Select(i => ((PdfNumber)i).Integer).ToArray())
            .OrderBy(r => r[2] + r[3])];
    }

    /// <summary>pdfsig's verdict per signature: true when "Signature is Valid".</summary>
    private static List<bool> PdfSigVerdicts(byte[] pdf) =>
        [.. Regex.Split(PdfSig(pdf), @"Signature #\d+:").Skip(1).Select(part => part.Contains("Signature is Valid", StringComparison.Ordinal))];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_flipped_byte_in_a_revision_fails_exactly_the_signatures_covering_it(int revision)
    {
        var pdf = ThreeSigned.Value.ToArray();
        var ranges = Ranges(pdf);
        // Revision 0 is PDFsharp's file: flip a byte of its header comment. Later ones: the first hex digit of the /M date in that revision's signature dictionary.
        var at = revision == 0 ? 2 : IndexOf(pdf, "/M<", (int)ranges[revision][2]) + 3;
        pdf[at] ^= 1;

        var expectedValid = Enumerable.Range(0, 3).Select(i => i < revision).ToList();
        Assert.Equal(expectedValid, PdfSigVerdicts(pdf));
        var report = PdfVerifier.Verify(pdf, Trusting);
        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Equal(expectedValid, report.Signatures.Select(s => s.Indication == Indication.TotalPassed));
        Assert.All(report.Signatures.Skip(revision), s => Assert.Equal(SubIndication.HashFailure, s.SubIndication));
    }

    [Theory]
    [InlineData("classic")]
    [InlineData("object-streams")]
    public void Changing_page_content_after_signing_is_not_allowed_and_breaks_DocMDP(string layout)
    {
        var signed = PdfSigner.Sign(layout == "classic" ? Classic : ObjectStreams, Request(P256, "颁发单位", certify: true));
        var tampered = AppendPageContent(signed, "q 1 0 0 rg 100 600 200 50 re f Q");

        var report = PdfVerifier.Verify(tampered, Trusting);
        var signature = Assert.Single(report.Signatures);
        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Equal(SubIndication.SigConstraintsFailure, signature.SubIndication);
        Assert.Equal(CheckOutcome.Passed, signature.Checks.Single(c => c.Id == "message-digest").Outcome);
        var modifications = signature.Checks.Single(c => c.Id == "modifications-after-signing");
        Assert.Equal(CheckOutcome.Failed, modifications.Outcome);
        Assert.Contains("page 1", modifications.Message, StringComparison.Ordinal);
        Assert.Equal(CheckOutcome.Failed, signature.Checks.Single(c => c.Id == "docmdp").Outcome);

        // pdfsig checks only the bytes: the signature itself is intact, just not the whole document.
        Assert.Contains("Not total document signed", PdfSig(tampered), StringComparison.Ordinal);
    }

    [Fact]
    public void PDFsharp_signed_documents_verify_in_ours()
    {
        var document = PdfSharp.Pdf.IO.PdfReader.Open(new MemoryStream(Classic), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Modify);
        var signer = new PdfSharpDefaultSigner(WithPrivateKey(Rsa), PdfMessageDigestType.SHA256, null);
        DigitalSignatureHandler.ForDocument(document, signer, new DigitalSignatureOptions
        {
            Reason = "PDFsharp",
            Location = "Test",
            Rectangle = new PdfSharp.Drawing.XRect(0, 0, 0, 0),
        });
        using var output = new MemoryStream();
        document.Save(output);
        var pdf = output.ToArray();
        Assert.Contains("Signature is Valid", PdfSig(pdf), StringComparison.Ordinal);

        var untrusted = PdfVerifier.Verify(pdf, Untrusting);
        var trusted = PdfVerifier.Verify(pdf, Trusting);

        Assert.Equal(Indication.Indeterminate, untrusted.Indication);
        Assert.Equal(SubIndication.NoCertificateChainFound, untrusted.SubIndication);
        Assert.True(trusted.Indication == Indication.TotalPassed, Describe(trusted));
        var attributes = trusted.Signatures[0].Checks.Single(c => c.Id == "signed-attributes");
        Assert.True(attributes.Outcome is CheckOutcome.Warning or CheckOutcome.Passed, attributes.Message);
    }

    [Fact]
    public void Garbage_gives_a_format_failure_not_an_exception()
    {
        foreach (var bytes in new[] { Array.Empty<byte>(), Encoding.ASCII.GetBytes("%PDF-1.7\nstartxref\n99999\n%%EOF"), Classic[..(Classic.Length / 2)] })
        {
            var report = PdfVerifier.Verify(bytes);
            Assert.Equal(Indication.TotalFailed, report.Indication);
            Assert.Equal(SubIndication.FormatFailure, report.SubIndication);
        }

        Assert.Equal(SubIndication.SignedDataNotFound, PdfVerifier.Verify(Classic).SubIndication);
    }

    [Fact]
    public void A_last_signature_damaged_beyond_reading_fails_instead_of_looking_like_an_unsigned_update()
    {
        // Regression: a flipped byte that hid the last signature's field made its update look unsigned, and the rest passed.
        var pdf = (byte[])ThreeSigned.Value.Clone();
        var lastRevisionStart = Ranges(pdf).OrderBy(r => r[2] + r[3]).ToList()[^2] is var r ? (int)(r[2] + r[3]) : 0;
        var sig = IndexOf(pdf, "/FT /Sig", lastRevisionStart);
        if (sig < 0)
        {
            sig = IndexOf(pdf, "/FT/Sig", lastRevisionStart);
        }

        Assert.True(sig > 0, "the last revision names its signature field");
        pdf[sig + 5] ^= 0x02; // /Sig → /Qig: no longer a signature field

        var report = PdfVerifier.Verify(pdf, Trusting);

        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Contains(report.DocumentChecks, c => c.Id == "unsigned-updates" && c.Outcome == CheckOutcome.Failed);
    }

    [Property(MaxTest = 20)]
    public void Property_sign_then_verify_passes_and_any_flipped_byte_fails(PdfSigningCase test)
    {
        var keys = new[] { P256, Rsa, SecondP256, P256 };
        var (signers, objectStreams, position, mask) = test;
        var pdf = objectStreams ? ObjectStreams : Classic;
        for (var i = 0; i < signers; i++)
        {
            pdf = PdfSigner.Sign(pdf, Request(keys[i], $"签章{i}", certify: i == 0));
        }

        var valid = PdfVerifier.Verify(pdf, Trusting);
        Assert.True(valid.Indication == Indication.TotalPassed, Describe(valid));
        Assert.Equal(signers, valid.Signatures.Count);

        // Any byte the last signature signs (earlier signatures' Contents included); its own Contents hole is
        // unsigned by design: a changed unused certificate in that CMS is rightly still valid.
        var last = Ranges(pdf)[^1];
        var index = position % (last[1] + last[3]);
        var at = (int)(index < last[1] ? index : last[2] + (index - last[1]));
        var flipped = pdf.ToArray();
        flipped[at] ^= mask;
        var report = PdfVerifier.Verify(flipped, Trusting);
        Assert.True(report.Indication != Indication.TotalPassed, $"flip at {at} not detected:\n{Describe(report)}");

        var updated = AppendPageContent(pdf, "0 0 1 rg 10 10 50 50 re f");
        var changed = PdfVerifier.Verify(updated, Trusting);
        Assert.True(changed.Signatures.All(s => s.Checks.Single(c => c.Id == "modifications-after-signing").Outcome == CheckOutcome.Failed), Describe(changed));
    }

    private static int IndexOf(byte[] pdf, string text, int from) =>
        from + pdf.AsSpan(from).IndexOf(Encoding.ASCII.GetBytes(text));

    /// <summary>Appends an unsigned incremental update adding a content stream to page 1 (classic xref table section).</summary>
    internal static byte[] AppendPageContent(byte[] pdf, string content)
    {
        var file = PdfFile.Open(pdf);
        var page = file.Pages()[0];
        var dictionary = file.ResolveDictionary(page)!.Copy();
        var number = file.Size;
        var contents = file.Resolve(dictionary["Contents"]) switch
        {
            PdfArray array => array.Items,
            _ => [dictionary["Contents"]!],
        };
        dictionary["Contents"] = new PdfArray([.. contents, new PdfReference(number, 0)]);

        using var output = new MemoryStream();
        output.Write(pdf);
        var streamAt = output.Position;
        PdfSerializer.Ascii(output, $"{number} 0 obj\n");
        PdfSerializer.Write(output, new PdfStream(new PdfDictionary(), Encoding.ASCII.GetBytes(content)));
        PdfSerializer.Ascii(output, "\nendobj\n");
        var pageAt = output.Position;
        PdfSerializer.Ascii(output, $"{page.Number} {page.Generation} obj\n");
        PdfSerializer.Write(output, dictionary);
        PdfSerializer.Ascii(output, "\nendobj\n");
        var xrefAt = output.Position;
        PdfSerializer.Ascii(output, string.Create(CultureInfo.InvariantCulture,
            $"xref\n{page.Number} 1\n{pageAt:D10} {page.Generation:D5} n\r\n{number} 1\n{streamAt:D10} 00000 n\r\n"));
        PdfSerializer.Ascii(output, $"trailer\n<</Size {number + 1}/Root {file.Root.Number} {file.Root.Generation} R/Prev {file.StartXref}>>\nstartxref\n{xrefAt}\n%%EOF\n");
        return output.ToArray();
    }
}

/// <summary>How many signers sign which test file, and which byte the last signature covers to flip (position modulo its ranges).</summary>
public sealed record PdfSigningCase(int Signers, bool ObjectStreams, int Position, byte Mask);

internal static class PdfTamperingArbitraries
{
    public static Arbitrary<PdfSigningCase> PdfSigningCase() =>
        (from signers in Gen.Choose(1, 4)
         from objectStreams in Gen.Elements(false, true)
         from position in Gen.Choose(0, int.MaxValue)
         from mask in Gen.Choose(1, 255)
         select new PdfSigningCase(signers, objectStreams, position, (byte)mask)).ToArbitrary();
}
