using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace ElectronicLicense.Seals.Ofd;

/// <summary>One page of a document under construction: text, images and vector paths placed in millimetres.</summary>
public sealed class OfdPageBuilder
{
    private readonly OfdDocumentBuilder document;
    private readonly int layerId;
    private readonly List<XElement> objects = [];

    internal OfdPageBuilder(OfdDocumentBuilder document, int index, int id, int layerId)
    {
        this.document = document;
        Index = index;
        Id = id;
        this.layerId = layerId;
    }

    /// <summary>0-based position in the document.</summary>
    public int Index { get; }

    /// <summary>The page ID (Document.xml Page/@ID), which a StampAnnot's PageRef names.</summary>
    public int Id { get; }

    /// <summary>The page's size.</summary>
    public OfdBox Area => document.PageArea;

    /// <summary>Places one line of text with its baseline at <paramref name="baselineY"/>; every glyph is positioned (TextCode DeltaX) from the font's advance widths.</summary>
    /// <returns>The text object's Boundary: the advance width by the font's ascent + descent.</returns>
    public OfdBox AddText(OfdFont font, double size, double x, double baselineY, string text, OfdColor? color = null)
    {
        ArgumentNullException.ThrowIfNull(font);
        ArgumentException.ThrowIfNullOrEmpty(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (text.Any(char.IsControl) || HasLoneSurrogate(text))
        {
            throw new ArgumentException("Text must not contain control characters or lone surrogates; break lines before placing them.", nameof(text));
        }

        var advances = font.TrueType.GetAdvances(text, size);
        var ascent = font.TrueType.Ascender * size / font.TrueType.UnitsPerEm;
        var descent = -font.TrueType.Descender * size / font.TrueType.UnitsPerEm;
        var boundary = new OfdBox(x, baselineY - ascent, Math.Max(advances.Sum(), size * 0.01), ascent + descent);
        font.Use(text);

        var ofd = OfdNames.Namespace;
        var code = new XElement(ofd + "TextCode", new XAttribute("X", "0"), new XAttribute("Y", OfdNumber.Format(ascent)));
        if (advances.Length > 1)
        {
            // GB/T 33190 §11.3: DeltaX holds the n−1 offsets between consecutive characters (code points) of the TextCode.
            code.Add(new XAttribute("DeltaX", OfdNumber.Join(advances.AsSpan(0, advances.Length - 1))));
        }

        code.Add(text);
        var element = new XElement(
            ofd + "TextObject",
            new XAttribute("ID", document.NextId()),
            new XAttribute("Boundary", boundary.ToString()),
            new XAttribute("Font", font.Id),
            new XAttribute("Size", OfdNumber.Format(size)));
        if (color is { } fill && fill != OfdColor.Black)
        {
            element.Add(new XElement(ofd + "FillColor", new XAttribute("Value", fill.ToString())));
        }

        element.Add(code);
        objects.Add(element);
        return boundary;
    }

    /// <summary>Places an image scaled to fill <paramref name="boundary"/>.</summary>
    public void AddImage(OfdImage image, OfdBox boundary)
    {
        ArgumentNullException.ThrowIfNull(image);

        // The image occupies the unit square of its own space; CTM stretches it to the boundary.
        objects.Add(new XElement(
            OfdNames.Namespace + "ImageObject",
            new XAttribute("ID", document.NextId()),
            new XAttribute("Boundary", boundary.ToString()),
            new XAttribute("CTM", OfdNumber.Join(boundary.Width, 0, 0, boundary.Height, 0, 0)),
            new XAttribute("ResourceID", image.Id)));
    }

    /// <summary>Places a path given in AbbreviatedData (GB/T 33190 §9.3.2) with coordinates relative to <paramref name="boundary"/>.</summary>
    public void AddPath(OfdBox boundary, string abbreviatedData, OfdColor? fill, OfdColor? stroke, double lineWidth = 0.353)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(abbreviatedData);
        var ofd = OfdNames.Namespace;
        var element = new XElement(
            ofd + "PathObject",
            new XAttribute("ID", document.NextId()),
            new XAttribute("Boundary", boundary.ToString()));
        if (stroke is not null)
        {
            element.Add(new XAttribute("LineWidth", OfdNumber.Format(lineWidth)));
        }
        else
        {
            element.Add(new XAttribute("Stroke", "false"));
        }

        if (fill is not null)
        {
            element.Add(new XAttribute("Fill", "true"));
            element.Add(new XElement(ofd + "FillColor", new XAttribute("Value", fill.Value.ToString())));
        }

        if (stroke is not null)
        {
            element.Add(new XElement(ofd + "StrokeColor", new XAttribute("Value", stroke.Value.ToString())));
        }

        element.Add(new XElement(ofd + "AbbreviatedData", abbreviatedData));
        objects.Add(element);
    }

    /// <summary>Fills many rectangles (given relative to <paramref name="boundary"/>) as one path, e.g. the modules of a QR code.</summary>
    public void AddRectangles(OfdBox boundary, IEnumerable<OfdBox> rectangles, OfdColor fill)
    {
        ArgumentNullException.ThrowIfNull(rectangles);
        var data = new StringBuilder();
        foreach (var r in rectangles)
        {
            if (data.Length > 0)
            {
                data.Append(' ');
            }

            data.Append(CultureInfo.InvariantCulture, $"M {OfdNumber.Join(r.X, r.Y)} L {OfdNumber.Join(r.Right, r.Y)} L {OfdNumber.Join(r.Right, r.Bottom)} L {OfdNumber.Join(r.X, r.Bottom)} C");
        }

        if (data.Length > 0)
        {
            AddPath(boundary, data.ToString(), fill, stroke: null);
        }
    }

    /// <summary>Strokes the outline of a rectangle.</summary>
    public void AddRectangleOutline(OfdBox box, OfdColor stroke, double lineWidth)
    {
        var inner = new OfdBox(0, 0, box.Width, box.Height);
        AddPath(box, $"M {OfdNumber.Join(inner.X, inner.Y)} L {OfdNumber.Join(inner.Right, inner.Y)} L {OfdNumber.Join(inner.Right, inner.Bottom)} L {OfdNumber.Join(inner.X, inner.Bottom)} C", fill: null, stroke, lineWidth);
    }

    /// <summary>Strokes a straight line between two page points.</summary>
    public void AddLine(double x1, double y1, double x2, double y2, OfdColor stroke, double lineWidth)
    {
        var box = new OfdBox(Math.Min(x1, x2), Math.Min(y1, y2), Math.Max(Math.Abs(x2 - x1), lineWidth), Math.Max(Math.Abs(y2 - y1), lineWidth));
        AddPath(box, $"M {OfdNumber.Join(x1 - box.X, y1 - box.Y)} L {OfdNumber.Join(x2 - box.X, y2 - box.Y)}", fill: null, stroke, lineWidth);
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    internal XElement ToXml()
    {
        var ofd = OfdNames.Namespace;
        return new XElement(
            ofd + "Page",
            new XAttribute(XNamespace.Xmlns + "ofd", ofd),
            new XElement(ofd + "Content", new XElement(ofd + "Layer", new XAttribute("ID", layerId), objects)));
    }
}
