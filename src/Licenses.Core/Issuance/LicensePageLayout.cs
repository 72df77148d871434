using System.Text;
using System.Text.Json;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Seals.Fonts;
using ElectronicLicense.Seals.Ofd;
using QRCoder;

namespace ElectronicLicense.Licenses.Issuance;

/// <summary>
/// Where everything on a rendered license goes — title, 照面 in display order, issuance block, QR code, seal slots — in
/// millimetres from the top-left corner of an A4 page; the OFD and the PDF renderer both draw this one layout.
/// </summary>
/// <remarks>
/// Text is measured with the license font's own advance widths, so every format that embeds the same font sets the same lines.
/// Text that does not fit is set smaller, down to 2.5 mm; beyond that layout fails rather than overlap.
/// </remarks>
internal sealed class LicensePageLayout
{
    public const double PageWidth = 210;
    public const double PageHeight = 297;
    public const double SealDiameter = 42;
    public const double QrSize = 32;
    private const double Left = 25;
    private const double Right = 185;
    private const double FieldsTop = 60;
    private const double SealGap = 4;
    private const double BottomRowTop = 228;
    private const int MaxSealsPerRow = 2;

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

    private LicensePageLayout(IReadOnlyList<LayoutItem> items, IReadOnlyList<OfdBox> sealBoxes, LayoutQrCode qrCode)
    {
        Items = items;
        SealBoxes = sealBoxes;
        QrCode = qrCode;
    }

    /// <summary>What to draw, in drawing order (the QR code among them).</summary>
    public IReadOnlyList<LayoutItem> Items { get; }

    /// <summary>One empty square per entry of the type's signature policy, in policy order; the seal is a 42 mm circle inside it.</summary>
    public IReadOnlyList<OfdBox> SealBoxes { get; }

    /// <summary>The verification QR code.</summary>
    public LayoutQrCode QrCode { get; }

    /// <summary>Lays out <paramref name="request"/> with text measured in <paramref name="metrics"/>.</summary>
    /// <exception cref="InvalidOperationException">The fields do not fit on the page even at the smallest text size.</exception>
    public static LicensePageLayout Create(LicenseRenderRequest request, TrueTypeFont metrics)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(metrics);
        var type = request.Type;
        var items = new List<LayoutItem>
        {
            new LayoutFrame(new OfdBox(10, 10, PageWidth - 20, PageHeight - 20), Border, 0.8),
            new LayoutFrame(new OfdBox(12.5, 12.5, PageWidth - 25, PageHeight - 25), Border, 0.25),
        };
        AddCentred(items, metrics, type.Name, 9, 36, Title);
        AddCentred(items, metrics, type.EnglishName, 3.5, 44, Label);
        items.Add(new LayoutLine(Left, 50, Right, 50, Border, 0.4));

        var slots = SealSquares(type.Signatures.Count);
        var fieldsBottom = Math.Min(BottomRowTop, slots.Min(s => s.Y)) - 6;
        var (fields, issuance) = Rows(request);
        LayOutFields(items, metrics, fields, issuance, fieldsBottom);

        var qrCode = new LayoutQrCode(new OfdBox(Left, BottomRowTop + 4, QrSize, QrSize), request.QrCode.Modules, request.QrCode.Runs);
        items.Add(qrCode);
        AddCentredAt(items, metrics, "扫码核验", 3, qrCode.Box.X + (QrSize / 2), qrCode.Box.Bottom + 4.5, Label);
        return new LicensePageLayout(items, slots, qrCode);
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

    /// <summary>A top-level string of the license data, or null.</summary>
    internal static string? Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Loads the license font, or says how to install it.</summary>
    /// <exception cref="FileNotFoundException">The font is missing; the message names the package and the setting.</exception>
    internal static TrueTypeFont LoadFont(string path)
    {
        ThrowIfFontMissing(path);
        return TrueTypeFont.Load(path);
    }

    /// <summary>Fails with the fix in the message when the configured font does not exist.</summary>
    internal static void ThrowIfFontMissing(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The license font '{path}' does not exist: install fonts-lxgw-wenkai (apt-get install fonts-lxgw-wenkai) or set {IssuanceOptions.Section}:{nameof(IssuanceOptions.FontPath)} to a TrueType (.ttf) font with CJK glyphs.",
                path);
        }
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
        List<LayoutItem> items,
        TrueTypeFont metrics,
        List<(string Label, List<string> Paragraphs)> fields,
        List<(string Label, List<string> Paragraphs)> issuance,
        double bottom)
    {
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
                    items.Add(new LayoutLine(Left, ruleY, Right, ruleY, Rule, 0.2));
                    baseline += separator;
                }

                var (label, lines) = laidOut[i];
                items.Add(new LayoutText(label + "：", size, Left, baseline, Label));
                foreach (var line in lines)
                {
                    items.Add(new LayoutText(line, size, valueX, baseline, OfdColor.Black));
                    baseline += lineHeight;
                }

                baseline += rowGap;
            }

            return;
        }
    }

    /// <summary>Seal squares, bottom right, side by side from the right edge (the issuer's rightmost), further rows above.</summary>
    private static List<OfdBox> SealSquares(int count)
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

    /// <summary>The QR code (error correction level Q) of <paramref name="payload"/>: its modules and their dark horizontal runs.</summary>
    internal static QrMatrix EncodeQr(string payload)
    {
        using var qr = QRCodeGenerator.GenerateQrCode(payload, QRCodeGenerator.ECCLevel.Q);
        var matrix = qr.ModuleMatrix;
        var modules = new bool[matrix.Count, matrix.Count];
        var runs = new List<(int Row, int Column, int Length)>();
        for (var y = 0; y < matrix.Count; y++)
        {
            for (var x = 0; x < matrix.Count; x++)
            {
                modules[y, x] = matrix[y][x];
            }

            // Dark modules merged into horizontal runs: one closed rectangle per run, crisp at any zoom.
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

                runs.Add((y, start, x - start + 1));
            }
        }

        return new QrMatrix(modules, runs);
    }

    private static void AddCentred(List<LayoutItem> items, TrueTypeFont metrics, string text, double size, double baseline, OfdColor color)
    {
        var width = metrics.MeasureWidth(text, size);
        var fitted = width > Right - Left ? size * (Right - Left) / width : size;
        AddCentredAt(items, metrics, text, fitted, PageWidth / 2, baseline, color);
    }

    private static void AddCentredAt(List<LayoutItem> items, TrueTypeFont metrics, string text, double size, double centreX, double baseline, OfdColor color)
    {
        if (text.Length > 0)
        {
            items.Add(new LayoutText(text, size, centreX - (metrics.MeasureWidth(text, size) / 2), baseline, color));
        }
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "是",
        JsonValueKind.False => "否",
        _ => string.Empty,
    };
}

/// <summary>One thing to draw on a license page; coordinates in millimetres from the top-left corner.</summary>
internal abstract record LayoutItem;

/// <summary>One line of text with its baseline at <paramref name="Baseline"/>, <paramref name="Size"/> the em size in mm.</summary>
internal sealed record LayoutText(string Text, double Size, double X, double Baseline, OfdColor Color) : LayoutItem;

/// <summary>A stroked straight line.</summary>
internal sealed record LayoutLine(double X1, double Y1, double X2, double Y2, OfdColor Color, double Width) : LayoutItem;

/// <summary>A stroked rectangle outline.</summary>
internal sealed record LayoutFrame(OfdBox Box, OfdColor Color, double Width) : LayoutItem;

/// <summary>A QR code's modules (row, column) and its dark modules merged into horizontal runs.</summary>
internal sealed record QrMatrix(bool[,] Modules, IReadOnlyList<(int Row, int Column, int Length)> Runs);

/// <summary>A QR code (quiet zone included) filling <paramref name="Box"/>, drawn as one black rectangle per horizontal run of dark modules.</summary>
/// <param name="Box">The square on the page.</param>
/// <param name="Modules">QRCoder's module matrix, [row, column], true = dark.</param>
/// <param name="Runs">Horizontal runs of dark modules: row, first column, number of modules.</param>
internal sealed record LayoutQrCode(OfdBox Box, bool[,] Modules, IReadOnlyList<(int Row, int Column, int Length)> Runs) : LayoutItem
{
    /// <summary>The side of one module in mm.</summary>
    public double ModuleSize => Box.Width / Modules.GetLength(0);
}
