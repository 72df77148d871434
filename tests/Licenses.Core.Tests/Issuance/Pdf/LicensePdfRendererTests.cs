using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Issuance;
using ElectronicLicense.Licenses.Issuance.Pdf;
using ElectronicLicense.Licenses.Tests.Samples;
using Microsoft.Extensions.Options;
using QRCoder;

namespace ElectronicLicense.Licenses.Tests.Issuance.Pdf;

public partial class LicensePdfRendererTests
{
    // PDFsharp 6.5 ends its Flate streams without the final block; qpdf inflates them completely and warns (DEPENDENCIES.md).
    private const string KnownZlibWarning = "input stream is complete but output may still be valid";
    private const double PageHeight = 841.89;

    private static readonly LicensePdfRenderer Renderer = new(Options.Create(new IssuanceOptions()));
    private static readonly LicenseOfdRenderer OfdRenderer = new(Options.Create(new IssuanceOptions()));

    public static TheoryData<string> SampleFiles() => LicenseOfdRendererTests.SampleFiles();

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Every_sample_passes_qpdf_check(string file)
    {
        using var tools = new PdfTools(Renderer.Render(LicenseOfdRendererTests.Request(file).Request).Pdf);

        var (exitCode, output, error) = tools.Run("qpdf", ["--check"]);

        // qpdf exits 0 when clean, 3 when there were only warnings, 2 on errors.
        Assert.True(exitCode is 0 or 3, $"qpdf --check exited {exitCode}: {output}{error}");
        Assert.Contains("PDF Version: 1.7", output, StringComparison.Ordinal);
        var problems = (output + error).Split('\n')
            .Where(line => line.Length > 0 && !line.StartsWith("checking ", StringComparison.Ordinal) && !line.StartsWith("PDF Version", StringComparison.Ordinal)
                && !line.StartsWith("File is not", StringComparison.Ordinal) && !line.Contains(KnownZlibWarning, StringComparison.Ordinal)
                && line != "qpdf: operation succeeded with warnings")
            .ToList();
        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Poppler_extracts_the_title_every_display_field_and_the_identifiers_as_text(string file)
    {
        var (request, type) = LicenseOfdRendererTests.Request(file);
        using var tools = new PdfTools(Renderer.Render(request).Pdf);

        var (exitCode, output, error) = tools.RunToStandardOutput("pdftotext", ["-layout", "-enc", "UTF-8"]);

        Assert.True(exitCode == 0, error);
        Assert.DoesNotContain("\uFFFD", output, StringComparison.Ordinal);

        // Chinese coming back as text (not as glyph ids) shows the ToUnicode CMap works; whitespace is layout, not content.
        var printed = Normalise(output);
        Assert.Contains(Normalise(type.Name), printed, StringComparison.Ordinal);
        Assert.Contains(Normalise(request.LicenseId.Value), printed, StringComparison.Ordinal);
        Assert.Contains(MetadataNames.LicenseId + "：", printed, StringComparison.Ordinal);
        Assert.Contains(MetadataNames.Number + "：" + Normalise(request.Data.GetProperty(MetadataNames.Number).GetString()!), printed, StringComparison.Ordinal);
        var face = request.Data.GetProperty(MetadataNames.Face);
        foreach (var name in type.DisplayOrder)
        {
            var source = MetadataNames.Displayable.Contains(name) ? request.Data : face;
            if (source.TryGetProperty(name, out var value))
            {
                // As in the OFD: the validity dates share one row labelled 有效期; 证照名称 is the title.
                if (name is not (MetadataNames.Name or MetadataNames.ValidFrom or MetadataNames.ValidUntil))
                {
                    Assert.Contains(name + "：", printed, StringComparison.Ordinal);
                }

                Assert.All(LicenseOfdRenderer.Paragraphs(value), paragraph => Assert.Contains(Normalise(paragraph), printed, StringComparison.Ordinal));
            }
        }

        foreach (var name in new[] { MetadataNames.Issuer, MetadataNames.IssueDate, MetadataNames.ValidFrom, MetadataNames.ValidUntil })
        {
            Assert.Contains(Normalise(request.Data.GetProperty(name).GetString()!), printed, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Poppler_renders_the_page(string file)
    {
        using var tools = new PdfTools(Renderer.Render(LicenseOfdRendererTests.Request(file).Request).Pdf);

        var (exitCode, _, error) = tools.RunWithOutput("pdftoppm", ["-png", "-r", "60", "-singlefile"], "page");

        Assert.True(exitCode == 0, error);
        Assert.Equal(string.Empty, error.Trim());
        var png = File.ReadAllBytes(Path.Combine(tools.Directory, "page.png"));
        Assert.Equal(0x89504E47u, BinaryPrimitives.ReadUInt32BigEndian(png));

        // A4 (595.28 × 841.89 pt) at 60 dpi; pdftoppm rounds up.
        Assert.Equal(497, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(702, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void The_font_is_embedded_as_a_subset_with_a_ToUnicode_map(string file)
    {
        using var tools = new PdfTools(Renderer.Render(LicenseOfdRendererTests.Request(file).Request).Pdf);

        var (exitCode, output, error) = tools.Run("pdffonts", []);

        Assert.True(exitCode == 0, error);
        var fonts = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToList();
        var font = Assert.Single(fonts);
        Assert.Matches(@"^[A-Z]{6}\+LXGW WenKai\s+CID TrueType\s+Identity-H\s+yes yes yes", font);
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Seal_slots_follow_the_policy_and_cover_no_text_nor_the_QR_code(string file)
    {
        var (request, type) = LicenseOfdRendererTests.Request(file);
        var rendered = Renderer.Render(request);
        using var tools = new PdfTools(rendered.Pdf);
        var words = Words(tools);

        Assert.Equal(type.Signatures.Count, rendered.SealSlots.Count);
        Assert.Equal(type.Signatures, rendered.SealSlots.Select(s => s.Requirement));
        Assert.Equal(Enumerable.Range(0, type.Signatures.Count), rendered.SealSlots.Select(s => s.Index));
        Assert.NotEmpty(words);
        var innerFrame = new PdfPageRectangle(12.5 * PdfPageRectangle.PointsPerMillimetre, 12.5 * PdfPageRectangle.PointsPerMillimetre, 185 * PdfPageRectangle.PointsPerMillimetre, 272 * PdfPageRectangle.PointsPerMillimetre);
        foreach (var slot in rendered.SealSlots)
        {
            var box = slot.Rectangle;
            Assert.Equal(0, slot.PageIndex);
            Assert.Equal(42 * PdfPageRectangle.PointsPerMillimetre, box.Width, 6);
            Assert.Equal(box.Width, box.Height, 6);
            Assert.True(box.Left >= innerFrame.Left && box.Right <= innerFrame.Right && box.Bottom >= innerFrame.Bottom && box.Top <= innerFrame.Top, $"slot {box} leaves the frame");
            Assert.DoesNotContain(words, word => word.Box.Overlaps(box));
            Assert.False(box.Overlaps(rendered.QrCode));
            Assert.DoesNotContain(rendered.SealSlots, other => other != slot && other.Rectangle.Overlaps(box));
        }
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Seal_slots_and_QR_code_are_where_the_OFD_has_them(string file)
    {
        var request = LicenseOfdRendererTests.Request(file).Request;

        var pdf = Renderer.Render(request);
        var ofd = OfdRenderer.Render(request);

        Assert.Equal(ofd.SealSlots.Select(s => PdfPageRectangle.FromMillimetres(s.Boundary, 297)), pdf.SealSlots.Select(s => s.Rectangle));
        Assert.Equal(PdfPageRectangle.FromMillimetres(ofd.QrCodeBoundary, 297), pdf.QrCode);
    }

    [Fact]
    public void The_QR_code_poppler_draws_has_exactly_QRCoders_modules_for_the_payload()
    {
        var request = LicenseOfdRendererTests.Request("business-license-1.json").Request;
        var rendered = Renderer.Render(request);
        using var tools = new PdfTools(rendered.Pdf);
        const int Dpi = 600;
        var scale = Dpi / 72.0;
        var qr = rendered.QrCode;

        var (exitCode, _, error) = tools.RunWithOutput(
            "pdftoppm",
            ["-gray", "-r", Dpi.ToString(CultureInfo.InvariantCulture), "-singlefile", "-x", Px(qr.Left), "-y", Px(PageHeight - qr.Top), "-W", Px(qr.Width), "-H", Px(qr.Height)],
            "qr");
        Assert.True(exitCode == 0, error);
        var (width, height, pixels) = ReadPgm(File.ReadAllBytes(Path.Combine(tools.Directory, "qr.pgm")));

        // The expected matrix comes straight from QRCoder (quiet zone included), independently of the renderer's own copy.
        using var expected = QRCodeGenerator.GenerateQrCode(request.VerificationPayload, QRCodeGenerator.ECCLevel.Q);
        var size = expected.ModuleMatrix.Count;
        Assert.True(size >= 25 + 8, "the payload needs a QR code of version ≥ 2");
        var module = qr.Width * scale / size;
        Assert.True(module >= 8, $"a module should be several pixels wide at {Dpi} dpi, got {module:0.0}");
        var mismatches = new List<string>();
        for (var row = 0; row < size; row++)
        {
            for (var column = 0; column < size; column++)
            {
                var x = (int)((column + 0.5) * module);
                var y = (int)((row + 0.5) * module);
                Assert.True(x < width && y < height, $"module ({row}, {column}) lies outside the crop");
                var dark = pixels[(y * width) + x] < 128;
                if (dark != expected.ModuleMatrix[row][column])
                {
                    mismatches.Add($"({row}, {column})");
                }
            }
        }

        Assert.Empty(mismatches);

        string Px(double points) => ((int)Math.Round(points * scale)).ToString(CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Same_version_renders_to_the_same_bytes_and_the_document_info_carries_the_metadata()
    {
        var (request, type) = LicenseOfdRendererTests.Request("marriage-certificate-1.json");

        var first = Renderer.Render(request).Pdf;
        var second = new LicensePdfRenderer(Options.Create(new IssuanceOptions())).Render(request).Pdf;

        Assert.Equal(first, second);
        using var tools = new PdfTools(first);
        var (exitCode, output, error) = tools.Run("pdfinfo", ["-isodates"]);
        Assert.True(exitCode == 0, error);
        var info = output.Split('\n').Where(l => l.Contains(':', StringComparison.Ordinal)).ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)], l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
        Assert.Equal(type.Name, info["Title"]);
        Assert.Equal(request.Data.GetProperty(MetadataNames.Issuer).GetString(), info["Author"]);
        Assert.Equal(request.LicenseId.Value, info["Subject"]);
        Assert.Equal("ElectronicLicense 电子证照库", info["Creator"]);
        Assert.Equal("2025-05-20T01:30:00Z", info["CreationDate"]);
        Assert.Equal("1", info["Pages"]);
        var id = Convert.ToHexString(LicensePdfRenderer.FileIdentifier(request.LicenseId.Value));
        Assert.Contains($"/ID[<{id}><{id}>]", Encoding.Latin1.GetString(first), StringComparison.Ordinal);
    }

    [Fact]
    public void Another_version_gets_another_file_identifier_and_XMP_DocumentID()
    {
        var (request, _) = LicenseOfdRendererTests.Request("marriage-certificate-1.json");
        var next = new LicenseRenderRequest
        {
            Type = request.Type,
            LicenseId = request.LicenseId.WithVersion(2),
            Data = request.Data,
            IssuedAt = request.IssuedAt,
            VerificationPayload = request.VerificationPayload,
        };

        var first = XmpDocumentId(Renderer.Render(request).Pdf);
        var second = XmpDocumentId(Renderer.Render(next).Pdf);

        Assert.NotEqual(first, second);
        Assert.Equal(new Guid(LicensePdfRenderer.FileIdentifier(request.LicenseId.Value), bigEndian: true).ToString(), first);
    }

    [Fact]
    public void Renderers_on_many_threads_agree_with_one_thread()
    {
        var files = Directory.GetFiles(RepositoryFiles.Sample("licenses"), "*.json").Select(f => Path.GetFileName(f)).ToList();
        var sequential = files.Select(f => Renderer.Render(LicenseOfdRendererTests.Request(f).Request).Pdf).ToList();

        var parallel = new byte[files.Count][];
        Parallel.For(0, files.Count, i => parallel[i] = new LicensePdfRenderer(Options.Create(new IssuanceOptions())).Render(LicenseOfdRendererTests.Request(files[i]).Request).Pdf);

        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void A_missing_font_names_the_fix_when_the_renderer_is_made()
    {
        var error = Assert.Throws<FileNotFoundException>(() => new LicensePdfRenderer(Options.Create(new IssuanceOptions { FontPath = "/nonexistent/font.ttf" })));

        Assert.Contains("fonts-lxgw-wenkai", error.Message, StringComparison.Ordinal);
        Assert.Contains("Issuance:FontPath", error.Message, StringComparison.Ordinal);
        Assert.Equal("/nonexistent/font.ttf", error.FileName);
    }

    private static string Normalise(string text) => WhitespaceRegex().Replace(text, string.Empty);

    private static string XmpDocumentId(byte[] pdf) => DocumentIdRegex().Match(Encoding.UTF8.GetString(pdf)).Groups[1].Value;

    /// <summary>Word boxes from <c>pdftotext -bbox</c>, turned into PDF user space (origin bottom-left).</summary>
    private static List<(string Text, PdfPageRectangle Box)> Words(PdfTools tools)
    {
        var (exitCode, output, error) = tools.RunToStandardOutput("pdftotext", ["-bbox", "-enc", "UTF-8"]);
        Assert.True(exitCode == 0, error);
        XNamespace html = "http://www.w3.org/1999/xhtml";
        var page = XDocument.Parse(output).Descendants(html + "page").Single();
        var height = double.Parse((string)page.Attribute("height")!, CultureInfo.InvariantCulture);
        return page.Elements(html + "word").Select(w =>
        {
            double Value(string name) => double.Parse((string)w.Attribute(name)!, CultureInfo.InvariantCulture);
            return (w.Value, new PdfPageRectangle(Value("xMin"), height - Value("yMax"), Value("xMax") - Value("xMin"), Value("yMax") - Value("yMin")));
        }).ToList();
    }

    /// <summary>Reads a binary greyscale netpbm file (P5, maxval 255) as pdftoppm -gray writes it.</summary>
    private static (int Width, int Height, byte[] Pixels) ReadPgm(byte[] file)
    {
        var offset = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)file[offset]))
            {
                offset++;
            }

            var start = offset;
            while (!char.IsWhiteSpace((char)file[offset]))
            {
                offset++;
            }

            return Encoding.ASCII.GetString(file, start, offset - start);
        }

        Assert.Equal("P5", Token());
        var width = int.Parse(Token(), CultureInfo.InvariantCulture);
        var height = int.Parse(Token(), CultureInfo.InvariantCulture);
        Assert.Equal("255", Token());
        offset++;
        Assert.Equal(width * height, file.Length - offset);
        return (width, height, file[offset..]);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRegex();

    [GeneratedRegex(@"<xmpMM:DocumentID>uuid:([0-9a-f-]{36})</xmpMM:DocumentID>")]
    private static partial Regex DocumentIdRegex();
}
