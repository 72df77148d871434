using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Seals.Fonts;
using ElectronicLicense.Seals.Ofd;
using Microsoft.Extensions.Options;
using QRCoder;

namespace ElectronicLicense.Licenses.Issuance;

/// <summary>Renders one license version as a one-page A4 OFD: title, 照面 in display order, issuance block, QR code, seal slots.</summary>
/// <remarks>
/// The output depends only on the request: CreationDate is the issue time, DocID is derived from the 证照标识, fonts are subset to
/// the characters used, and the package writer fixes timestamps. Sensitive fields are printed unmasked: the document is the
/// holder's own license. Text that does not fit is set smaller, down to 2.5 mm; beyond that rendering fails rather than overlap.
/// </remarks>
internal sealed class LicenseOfdRenderer
{
    private const double PageWidth = 210;
    private const double PageHeight = 297;
    private const double Left = 25;
    private const double Right = 185;
    private const double FieldsTop = 60;
    private const double SealDiameter = 42;
    private const double SealGap = 4;
    private const double QrSize = 32;
    private const double BottomRowTop = 228;
    private const int MaxSealsPerRow = 2;
    private const string Creator = "ElectronicLicense 电子证照库";

    private static readonly double[] FontSizes = [4.5, 4.2, 3.9, 3.6, 3.3, 3.0, 2.75, 2.5];
    private static readonly OfdColor Border = new(160, 40, 40);
    private static readonly OfdColor Title = new(140, 20, 20);
    private static readonly OfdColor Label = new(70, 70, 70);
    private static readonly OfdColor Rule = new(160, 160, 160);

    // Shown in the issuance block or as the title, not in the field list.
    private static readonly HashSet<string> NotInFieldList = new(StringComparer.Ordinal)
    {
        MetadataNames.Name, MetadataNames.LicenseId, MetadataNames.Issuer, MetadataNames.IssueDate, MetadataNames.ValidFrom, MetadataNames.ValidUntil,
    };

    private readonly Lazy<TrueTypeFont> font;

    public LicenseOfdRenderer(IOptions<IssuanceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.Value.FontPath;
        font = new Lazy<TrueTypeFont>(() => LoadFont(path), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Renders <paramref name="request"/>.</summary>
    /// <exception cref="FileNotFoundException">The configured font is missing; the message says how to fix it.</exception>
    public RenderedLicense Render(LicenseRenderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var data = request.Data;
        var type = request.Type;
        var builder = new OfdDocumentBuilder(DocumentInfo(request), PageWidth, PageHeight);
        var ofdFont = builder.AddFont(font.Value);
        var page = builder.AddPage();

        page.AddRectangleOutline(new OfdBox(10, 10, PageWidth - 20, PageHeight - 20), Border, 0.8);
        page.AddRectangleOutline(new OfdBox(12.5, 12.5, PageWidth - 25, PageHeight - 25), Border, 0.25);
        AddCentred(page, ofdFont, type.Name, 9, 36, Title);
        AddCentred(page, ofdFont, type.EnglishName, 3.5, 44, Label);
        page.AddLine(Left, 50, Right, 50, Border, 0.4);

        var slots = SealBoxes(type.Signatures.Count);
        var fieldsBottom = Math.Min(BottomRowTop, slots.Min(s => s.Y)) - 6;
        var (fields, issuance) = Rows(request);
        LayOutFields(page, ofdFont, fields, issuance, fieldsBottom);

        var qrBox = new OfdBox(Left, BottomRowTop + 4, QrSize, QrSize);
        AddQrCode(page, qrBox, request.VerificationPayload);
        AddCentredAt(page, ofdFont, "扫码核验", 3, qrBox.X + (QrSize / 2), qrBox.Bottom + 4.5, Label);

        var built = builder.Build();
        var sealSlots = slots
            .Select((box, i) => new SealSlot(i, type.Signatures[i], built.Pages[0].Index, built.Pages[0].Id, box))
            .ToList();
        return new RenderedLicense(built.Package, sealSlots, qrBox);
    }

    /// <summary>DocID: a UUID (version 8, RFC 9562) from the SHA-256 of the 证照标识, which already carries the version number.</summary>
    internal static string DocumentId(string licenseId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("ElectronicLicense OFD DocID\n" + licenseId));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

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

    /// <summary>The field list (display order) and the issuance block (证照标识, 颁发机构, 颁发日期, 有效期).</summary>
    private static (List<(string Label, List<string> Paragraphs)> Fields, List<(string Label, List<string> Paragraphs)> Issuance) Rows(LicenseRenderRequest request)
    {
        var data = request.Data;
        var face = data.TryGetProperty(MetadataNames.Face, out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        var fields = new List<(string, List<string>)>();
        foreach (var name in request.Type.DisplayOrder.Where(n => !NotInFieldList.Contains(n)))
        {
            var source = MetadataNames.Displayable.Contains(name) ? data : face;
            if (source.ValueKind == JsonValueKind.Object && source.TryGetProperty(name, out var value) && Paragraphs(value) is { Count: > 0 } paragraphs)
            {
                fields.Add((name, paragraphs));
            }
        }

        var issuance = new List<(string, List<string>)>();
        if (!request.Type.DisplayOrder.Contains(MetadataNames.Number) && Text(data, MetadataNames.Number) is { } number)
        {
            issuance.Add((MetadataNames.Number, [number]));
        }

        issuance.Add((MetadataNames.LicenseId, [request.LicenseId.Value]));
        issuance.Add((MetadataNames.Issuer, [Text(data, MetadataNames.Issuer) ?? Text(data, MetadataNames.IssuerCode) ?? string.Empty]));
        issuance.Add((MetadataNames.IssueDate, [Text(data, MetadataNames.IssueDate) ?? string.Empty]));
        var from = Text(data, MetadataNames.ValidFrom) ?? string.Empty;
        var until = Text(data, MetadataNames.ValidUntil);
        issuance.Add(("有效期", [until is null or MetadataNames.LongTerm ? $"{from} 起{MetadataNames.LongTerm}有效" : $"{from} 至 {until}"]));
        return (fields, issuance);
    }

    private static void LayOutFields(
        OfdPageBuilder page,
        OfdFont ofdFont,
        List<(string Label, List<string> Paragraphs)> fields,
        List<(string Label, List<string> Paragraphs)> issuance,
        double bottom)
    {
        var metrics = ofdFont.TrueType;
        foreach (var size in FontSizes)
        {
            var labelWidth = fields.Concat(issuance).Max(r => metrics.MeasureWidth(r.Label + "：", size));
            var valueX = Left + labelWidth + 2;
            var valueWidth = Right - valueX;
            var lineHeight = size * 1.6;
            var rowGap = size * 0.45;
            var laidOut = new List<(string Label, List<string> Lines)>();
            var height = 0.0;
            foreach (var (label, paragraphs) in fields.Concat(issuance))
            {
                var lines = paragraphs.SelectMany(p => Wrap(metrics, p, size, valueWidth)).ToList();
                laidOut.Add((label, lines));
                height += (lines.Count * lineHeight) + rowGap;
            }

            var separator = lineHeight;
            if (FieldsTop + height + separator > bottom && size != FontSizes[^1])
            {
                continue;
            }

            if (FieldsTop + height + separator > bottom)
            {
                throw new InvalidOperationException($"The license's fields need {height:0} mm even at {size} mm text; the page has {bottom - FieldsTop:0} mm.");
            }

            var baseline = FieldsTop + size;
            for (var i = 0; i < laidOut.Count; i++)
            {
                if (i == fields.Count)
                {
                    // A rule between the 照面 and the issuance block.
                    var ruleY = baseline - (0.55 * size);
                    page.AddLine(Left, ruleY, Right, ruleY, Rule, 0.2);
                    baseline += separator;
                }

                var (label, lines) = laidOut[i];
                page.AddText(ofdFont, size, Left, baseline, label + "：", Label);
                foreach (var line in lines)
                {
                    page.AddText(ofdFont, size, valueX, baseline, line);
                    baseline += lineHeight;
                }

                baseline += rowGap;
            }

            return;
        }
    }

    /// <summary>Breaks a paragraph into lines no wider than <paramref name="width"/>; closing punctuation may hang past the edge rather than start a line.</summary>
    internal static IEnumerable<string> Wrap(TrueTypeFont metrics, string paragraph, double size, double width)
    {
        var runes = paragraph.EnumerateRunes().ToList();
        var advances = metrics.GetAdvances(paragraph, size);
        var line = new StringBuilder();
        var lineWidth = 0.0;
        for (var i = 0; i < runes.Count; i++)
        {
            var hangs = runes[i].Value < 0x10000 && "，。、；：？！）》」』】,.;:?!)".Contains((char)runes[i].Value, StringComparison.Ordinal);
            if (line.Length > 0 && lineWidth + advances[i] > width && !hangs)
            {
                yield return line.ToString();
                line.Clear();
                lineWidth = 0;
            }

            line.Append(runes[i].ToString());
            lineWidth += advances[i];
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    /// <summary>A field value as lines of text: strings as given (split at line breaks), arrays one item after another, objects as "key：value".</summary>
    internal static List<string> Paragraphs(JsonElement value)
    {
        var paragraphs = new List<string>();
        switch (value.ValueKind)
        {
            case JsonValueKind.Array when value.EnumerateArray().All(IsScalar):
                paragraphs.Add(string.Join("、", value.EnumerateArray().Select(Scalar).Where(s => s.Length > 0)));
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    paragraphs.AddRange(Paragraphs(item));
                }

                break;
            case JsonValueKind.Object:
                paragraphs.Add(string.Join("；", value.EnumerateObject().Select(p => $"{p.Name}：{string.Join("；", Paragraphs(p.Value))}")));
                break;
            default:
                paragraphs.AddRange(Scalar(value).Split('\n').Select(p => new string([.. p.Select(c => char.IsControl(c) ? ' ' : c)])));
                break;
        }

        return paragraphs.Where(p => p.Trim().Length > 0).ToList();

        static bool IsScalar(JsonElement e) => e.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object);
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "是",
        JsonValueKind.False => "否",
        _ => string.Empty,
    };

    private static string? Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Seal squares, bottom right, side by side from the right edge (the issuer's rightmost), further rows above.</summary>
    private static List<OfdBox> SealBoxes(int count)
    {
        var boxes = new List<OfdBox>();
        for (var i = 0; i < count; i++)
        {
            var row = i / MaxSealsPerRow;
            var column = i % MaxSealsPerRow;
            var x = Right - SealDiameter - (column * (SealDiameter + SealGap));
            var y = BottomRowTop - (row * (SealDiameter + SealGap));
            boxes.Add(new OfdBox(x, y, SealDiameter, SealDiameter));
        }

        return boxes;
    }

    private static void AddQrCode(OfdPageBuilder page, OfdBox box, string payload)
    {
        using var qr = QRCodeGenerator.GenerateQrCode(payload, QRCodeGenerator.ECCLevel.Q);
        var matrix = qr.ModuleMatrix;
        var module = box.Width / matrix.Count;

        // Dark modules merged into horizontal runs: one closed rectangle per run, crisp at any zoom.
        var rectangles = new List<OfdBox>();
        for (var y = 0; y < matrix.Count; y++)
        {
            for (var x = 0; x < matrix.Count; x++)
            {
                if (!matrix[y][x])
                {
                    continue;
                }

                var start = x;
                while (x + 1 < matrix.Count && matrix[y][x + 1])
                {
                    x++;
                }

                rectangles.Add(new OfdBox(start * module, y * module, (x - start + 1) * module, module));
            }
        }

        page.AddRectangles(box, rectangles, OfdColor.Black);
    }

    private static void AddCentred(OfdPageBuilder page, OfdFont ofdFont, string text, double size, double baseline, OfdColor color)
    {
        var width = ofdFont.TrueType.MeasureWidth(text, size);
        var fitted = width > Right - Left ? size * (Right - Left) / width : size;
        AddCentredAt(page, ofdFont, text, fitted, PageWidth / 2, baseline, color);
    }

    private static void AddCentredAt(OfdPageBuilder page, OfdFont ofdFont, string text, double size, double centreX, double baseline, OfdColor color)
    {
        if (text.Length > 0)
        {
            page.AddText(ofdFont, size, centreX - (ofdFont.TrueType.MeasureWidth(text, size) / 2), baseline, text, color);
        }
    }

    private static TrueTypeFont LoadFont(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The license font '{path}' does not exist: install fonts-lxgw-wenkai (apt-get install fonts-lxgw-wenkai) or set {IssuanceOptions.Section}:{nameof(IssuanceOptions.FontPath)} to a TrueType (.ttf) font with CJK glyphs.",
                path);
        }

        return TrueTypeFont.Load(path);
    }
}
