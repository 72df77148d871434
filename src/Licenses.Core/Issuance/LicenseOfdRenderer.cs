using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Seals.Fonts;
using ElectronicLicense.Seals.Ofd;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Issuance;

/// <summary>Renders one license version as a one-page A4 OFD: title, 照面 in display order, issuance block, QR code, seal slots.</summary>
/// <remarks>
/// The output depends only on the request: CreationDate is the issue time, DocID is derived from the 证照标识, fonts are subset to
/// the characters used, and the package writer fixes timestamps. Sensitive fields are printed unmasked: the document is the
/// holder's own license. The layout (shared with the PDF renderer) is <see cref="LicensePageLayout"/>.
/// </remarks>
internal sealed class LicenseOfdRenderer
{
    private const string Creator = "ElectronicLicense 电子证照库";

    private readonly Lazy<TrueTypeFont> font;

    public LicenseOfdRenderer(IOptions<IssuanceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.Value.FontPath;
        font = new Lazy<TrueTypeFont>(() => LicensePageLayout.LoadFont(path), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Renders <paramref name="request"/>.</summary>
    /// <exception cref="FileNotFoundException">The configured font is missing; the message says how to fix it.</exception>
    public RenderedLicense Render(LicenseRenderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var layout = LicensePageLayout.Create(request, font.Value);
        var builder = new OfdDocumentBuilder(DocumentInfo(request), LicensePageLayout.PageWidth, LicensePageLayout.PageHeight);
        var ofdFont = builder.AddFont(font.Value);
        var page = builder.AddPage();
        foreach (var item in layout.Items)
        {
            switch (item)
            {
                case LayoutFrame frame:
                    page.AddRectangleOutline(frame.Box, frame.Color, frame.Width);
                    break;
                case LayoutLine line:
                    page.AddLine(line.X1, line.Y1, line.X2, line.Y2, line.Color, line.Width);
                    break;
                case LayoutText text:
                    page.AddText(ofdFont, text.Size, text.X, text.Baseline, text.Text, text.Color);
                    break;
                case LayoutQrCode qr:
                    var module = qr.ModuleSize;
                    page.AddRectangles(qr.Box, qr.Runs.Select(r => new OfdBox(r.Column * module, r.Row * module, r.Length * module, module)), OfdColor.Black);
                    break;
                default:
                    throw new InvalidOperationException($"No OFD drawing for {item.GetType().Name}.");
            }
        }

        var built = builder.Build();
        var sealSlots = layout.SealBoxes
            .Select((box, i) => new SealSlot(i, request.Type.Signatures[i], built.Pages[0].Index, built.Pages[0].Id, box))
            .ToList();
        return new RenderedLicense(built.Package, sealSlots, layout.QrCode.Box);
    }

    /// <summary>DocID: a UUID (version 8, RFC 9562) from the SHA-256 of the 证照标识, which already carries the version number.</summary>
    internal static string DocumentId(string licenseId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("ElectronicLicense OFD DocID\n" + licenseId));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <inheritdoc cref="LicensePageLayout.Paragraphs(JsonElement)"/>
    internal static List<string> Paragraphs(JsonElement value) => LicensePageLayout.Paragraphs(value);

    private static OfdDocumentInfo DocumentInfo(LicenseRenderRequest request)
    {
        var data = request.Data;
        return new OfdDocumentInfo
        {
            DocId = DocumentId(request.LicenseId.Value),
            Title = request.Type.Name,
            Author = Text(data, MetadataNames.Issuer),
            CreationDate = DateOnly.FromDateTime(request.IssuedAt.UtcDateTime),
            Creator = Creator,
            CustomData =
            [
                new(MetadataNames.LicenseId, request.LicenseId.Value),
                new(MetadataNames.TypeCode, request.Type.Code.Value),
                new(MetadataNames.Number, Text(data, MetadataNames.Number) ?? string.Empty),
                new(MetadataNames.Holder, Text(data, MetadataNames.Holder) ?? string.Empty),
                new(MetadataNames.IssuerCode, Text(data, MetadataNames.IssuerCode) ?? string.Empty),
                new(MetadataNames.IssueDate, Text(data, MetadataNames.IssueDate) ?? string.Empty),
                new("版本", request.LicenseId.Version.ToString(CultureInfo.InvariantCulture)),
            ],
        };
    }

    private static string? Text(JsonElement data, string name) => LicensePageLayout.Text(data, name);
}
