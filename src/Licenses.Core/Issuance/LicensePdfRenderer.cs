using System.Security.Cryptography;
using System.Text;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Issuance.Pdf;
using ElectronicLicense.Seals.Fonts;
using ElectronicLicense.Seals.Ofd;
using Microsoft.Extensions.Options;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace ElectronicLicense.Licenses.Issuance;

/// <summary>Renders one license version as a one-page A4 PDF with the OFD's layout: title, 照面 in display order, issuance block, QR code, empty seal slots.</summary>
/// <remarks>
/// The page is <see cref="LicensePageLayout"/>, the same as <see cref="LicenseOfdRenderer"/> draws, converted from millimetres
/// (top-left origin) to points. Seals are not drawn: the signer adds each seal as the appearance of its signature widget at the
/// slot's rectangle. Text uses the configured TrueType font with Identity-H encoding and a ToUnicode CMap, so Chinese can be
/// searched and copied; PDFsharp embeds a subset. The output depends only on the request: CreationDate and ModDate are the issue
/// time, the file identifier is derived from the 证照标识, and <see cref="DeterministicPdf"/> replaces the names PDFsharp picks at
/// random.
/// </remarks>
internal sealed class LicensePdfRenderer
{
    private const string Creator = "ElectronicLicense 电子证照库";
    private const double Pt = PdfPageRectangle.PointsPerMillimetre;

    private readonly Lazy<(TrueTypeFont Metrics, string Family)> font;

    /// <summary>Checks that the configured font exists; it is read on first use.</summary>
    /// <exception cref="FileNotFoundException">The configured font is missing; the message says how to fix it.</exception>
    public LicensePdfRenderer(IOptions<IssuanceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.Value.FontPath;

        // Fail when the service is made (at start-up when the host resolves it), not on the first license.
        LicensePageLayout.ThrowIfFontMissing(path);
        font = new Lazy<(TrueTypeFont, string)>(
            () =>
            {
                // The layout measures with our own parser, which also rejects collections (.ttc) that PDFsharp cannot read.
                var metrics = LicensePageLayout.LoadFont(path);
                PdfSharpSetup.EnsureInitialized();
                return (metrics, LicenseFontResolver.Instance.Register(path));
            },
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Renders <paramref name="request"/>.</summary>
    /// <exception cref="FileNotFoundException">The configured font has disappeared since start-up.</exception>
    /// <exception cref="InvalidOperationException">The fields do not fit on the page even at the smallest text size.</exception>
    public RenderedPdf Render(LicenseRenderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (metrics, family) = font.Value;
        var layout = LicensePageLayout.Create(request, metrics);

        using var document = new PdfDocument();
        SetDocumentInfo(document, request);
        var page = document.AddPage();
        page.Width = XUnit.FromMillimeter(LicensePageLayout.PageWidth);
        page.Height = XUnit.FromMillimeter(LicensePageLayout.PageHeight);
        using (var graphics = XGraphics.FromPdfPage(page))
        {
            Draw(graphics, layout, family);
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        var slots = layout.SealBoxes
            .Select((box, i) => new PdfSealSlot(i, request.Type.Signatures[i], 0, PdfPageRectangle.FromMillimetres(box, LicensePageLayout.PageHeight)))
            .ToList();
        var pdf = DeterministicPdf.Fix(output.ToArray(), FileIdentifier(request.LicenseId.Value));
        return new RenderedPdf(pdf, slots, PdfPageRectangle.FromMillimetres(layout.QrCode.Box, LicensePageLayout.PageHeight));
    }

    /// <summary>The file identifier (trailer /ID, ISO 32000-1 §14.4): 16 bytes of the SHA-256 of the 证照标识, which carries the version.</summary>
    internal static byte[] FileIdentifier(string licenseId) =>
        SHA256.HashData(Encoding.UTF8.GetBytes("ElectronicLicense PDF ID\n" + licenseId)).AsSpan(0, 16).ToArray();

    private static void SetDocumentInfo(PdfDocument document, LicenseRenderRequest request)
    {
        var info = document.Info;
        info.Title = request.Type.Name;
        info.Author = LicensePageLayout.Text(request.Data, MetadataNames.Issuer) ?? LicensePageLayout.Text(request.Data, MetadataNames.IssuerCode) ?? string.Empty;
        info.Subject = request.LicenseId.Value;
        info.Creator = Creator;
        info.CreationDate = request.IssuedAt.UtcDateTime;
        info.ModificationDate = request.IssuedAt.UtcDateTime;

        // ISO 32000-1 §14.4: both parts equal for a file that has not been updated; PDFsharp would pick random ones.
        var id = new string([.. FileIdentifier(request.LicenseId.Value).Select(b => (char)b)]);
        document.Internals.FirstDocumentID = id;
        document.Internals.SecondDocumentID = id;
    }

    private static void Draw(XGraphics graphics, LicensePageLayout layout, string family)
    {
        var fonts = new Dictionary<double, XFont>();
        var unicode = new XPdfFontOptions(PdfFontEncoding.Unicode);
        foreach (var item in layout.Items)
        {
            switch (item)
            {
                case LayoutFrame frame:
                    graphics.DrawRectangle(Pen(frame.Color, frame.Width), frame.Box.X * Pt, frame.Box.Y * Pt, frame.Box.Width * Pt, frame.Box.Height * Pt);
                    break;
                case LayoutLine line:
                    graphics.DrawLine(Pen(line.Color, line.Width), line.X1 * Pt, line.Y1 * Pt, line.X2 * Pt, line.Y2 * Pt);
                    break;
                case LayoutText text:
                    if (!fonts.TryGetValue(text.Size, out var xfont))
                    {
                        xfont = new XFont(family, text.Size * Pt, XFontStyleEx.Regular, unicode);
                        fonts.Add(text.Size, xfont);
                    }

                    graphics.DrawString(text.Text, xfont, new XSolidBrush(Color(text.Color)), text.X * Pt, text.Baseline * Pt, XStringFormats.BaseLineLeft);
                    break;
                case LayoutQrCode qr:
                    // One path for all runs: filled as a single shape, so renderers leave no seams between adjacent rows.
                    var module = qr.ModuleSize * Pt;
                    var path = new XGraphicsPath { FillMode = XFillMode.Winding };
                    foreach (var (row, column, length) in qr.Runs)
                    {
                        path.AddRectangle((qr.Box.X * Pt) + (column * module), (qr.Box.Y * Pt) + (row * module), length * module, module);
                    }

                    graphics.DrawPath(XBrushes.Black, path);
                    break;
                default:
                    throw new InvalidOperationException($"No PDF drawing for {item.GetType().Name}.");
            }
        }
    }

    private static XPen Pen(OfdColor color, double widthMm) => new(Color(color), widthMm * Pt);

    private static XColor Color(OfdColor color) => XColor.FromArgb(color.R, color.G, color.B);
}
