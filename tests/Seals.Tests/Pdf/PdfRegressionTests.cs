using System.Text;
using ElectronicLicense.Seals.Pdf;
using ElectronicLicense.Seals.Ses;
using ElectronicLicense.Seals.Verification;
using ImageMagick;
using static ElectronicLicense.Seals.Tests.Pdf.PdfTestFiles;

namespace ElectronicLicense.Seals.Tests.Pdf;

/// <summary>One test per bug the property tests found, and the rendered appearance.</summary>
public class PdfRegressionTests
{
    [Fact]
    public void Non_zero_bytes_in_the_contents_padding_fail()
    {
        // Found by FsCheck: a flip in the zero padding after the CMS was ignored.
        var pdf = PdfSigner.Sign(Classic, Request(P256, "甲"));
        var contentsAt = pdf.AsSpan(Classic.Length).IndexOf("/Contents <"u8) + Classic.Length + "/Contents <".Length;
        pdf[contentsAt + (2 * 8000)] = (byte)'2';

        var report = PdfVerifier.Verify(pdf, Trusting);
        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Equal(CheckOutcome.Failed, report.Signatures[0].Checks.Single(c => c.Id == "cms").Outcome);
    }

    [Fact]
    public void Unreadable_signature_dictionary_is_reported_as_a_broken_signature()
    {
        // Found by FsCheck: a failed read was cached as "free", so the field looked unsigned.
        var pdf = PdfSigner.Sign(Classic, Request(P256, "甲"));
        var contentsAt = pdf.AsSpan(Classic.Length).IndexOf("/Contents <"u8) + Classic.Length + "/Contents <".Length;
        pdf[contentsAt + 10] = (byte)'x';

        var report = PdfVerifier.Verify(pdf, Trusting);
        var signature = Assert.Single(report.Signatures);
        Assert.Equal(Indication.TotalFailed, signature.Indication);
        Assert.Equal(CheckOutcome.Failed, signature.Checks.Single(c => c.Id == "byte-range").Outcome);
    }

    [Fact]
    public void Visible_seal_is_rendered_by_poppler_where_it_was_placed()
    {
        var png = SealPicture.RenderOfficialSeal("重庆市市场监督管理局", "电子证照专用章", FontPath);
        var appearance = new PdfSealAppearance { PageIndex = 1, X = 380, Y = 500, Width = 144, Height = 144, Png = png };
        var signed = PdfSigner.Sign(ObjectStreams, Request(P256, "印章", certify: true, appearance));
        Assert.True(PdfVerifier.Verify(signed, Trusting).Indication == Indication.TotalPassed);

        using var directory = new TempDirectory();
        var (code, output) = Run("pdftoppm", ["-png", "-r", "50", "-f", "2", "-l", "2", directory.Write("seal.pdf", signed), Path.Combine(directory.Path, "page")]);
        Assert.True(code == 0, output);
        using var image = new MagickImage(Directory.GetFiles(directory.Path, "page*.png").Single());
        using var pixels = image.GetPixels();

        // At 50 dpi a point is 50/72 px; PDF y grows upwards. The seal's centre star is red, outside it the page is white.
        var scale = 50.0 / 72;
        var pageHeight = image.Height / scale;
        var centre = pixels.GetPixel((int)((380 + 72) * scale), (int)((pageHeight - (500 + 72)) * scale)).ToColor()!;
        var outside = pixels.GetPixel((int)(300 * scale), (int)((pageHeight - 572) * scale)).ToColor()!;
        Assert.True(centre.R > 150 && centre.G < 100 && centre.B < 100, $"seal centre is {centre}");
        Assert.True(outside.R > 240 && outside.G > 240 && outside.B > 240, $"outside the seal is {outside}");
        Assert.Contains("Signature is Valid", PdfSig(signed), StringComparison.Ordinal);
        Assert.DoesNotContain("\nxref\n", Encoding.ASCII.GetString(signed[ObjectStreams.Length..]), StringComparison.Ordinal);
    }
}
