using ImageMagick;
using ImageMagick.Drawing;

namespace ElectronicLicense.Seals.Ses;

/// <summary>Seal pictures: draws the usual red round official seal, and checks supplied PNGs.</summary>
public static class SealPicture
{
    /// <summary>The red of the drawn seal.</summary>
    public const string SealRed = "#E60000";

    private const double MmPerInch = 25.4;
    private const double RingMm = 1.2;
    private const double MaxArcDegrees = 240;
    private const int MaxPixels = 4096;

    /// <summary>Draws a round official seal (公章) as a transparent PNG of diameter <paramref name="diameterMm"/> at <paramref name="dpi"/>.</summary>
    /// <param name="organisationName">Drawn along the upper arc, each character upright towards the outside.</param>
    /// <param name="sealKind">Drawn horizontally below the star, e.g. "电子证照专用章"; may be empty.</param>
    /// <param name="fontPath">A TrueType font with the needed Chinese characters (e.g. LXGW WenKai).</param>
    /// <param name="diameterMm">The seal's diameter; 42 mm is the common size for an organisation's seal.</param>
    /// <param name="dpi">Resolution; the PNG is diameter × dpi / 25.4 pixels square and records the dpi.</param>
    /// <exception cref="ArgumentException">Empty name, missing font file, or a size out of range.</exception>
    public static byte[] RenderOfficialSeal(string organisationName, string sealKind, string fontPath, double diameterMm = 42, int dpi = 300)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organisationName);
        ArgumentNullException.ThrowIfNull(sealKind);
        ArgumentException.ThrowIfNullOrEmpty(fontPath);
        if (!File.Exists(fontPath))
        {
            throw new ArgumentException($"The font file \"{fontPath}\" does not exist.", nameof(fontPath));
        }

        if (diameterMm is < 10 or > 100 || double.IsNaN(diameterMm))
        {
            throw new ArgumentOutOfRangeException(nameof(diameterMm), diameterMm, "The seal diameter must be 10–100 mm.");
        }

        var size = (int)Math.Round(diameterMm * dpi / MmPerInch);
        if (dpi < 72 || size > MaxPixels)
        {
            throw new ArgumentOutOfRangeException(nameof(dpi), dpi, $"The resolution must be at least 72 dpi and give at most {MaxPixels} pixels across.");
        }

        var pxPerMm = size / diameterMm;
        var centre = size / 2.0;
        var radius = size / 2.0;
        var ring = RingMm * pxPerMm;
        var red = new MagickColor(SealRed);

        using var image = new MagickImage(MagickColors.Transparent, (uint)size, (uint)size);

        // Outer ring: the stroke is centred on the path, so the path runs half a ring inside the edge (plus a pixel of margin).
        new Drawables()
            .StrokeColor(red)
            .StrokeWidth(ring)
            .FillColor(MagickColors.Transparent)
            .Circle(centre, centre, centre, centre - radius + (ring / 2) + 1)
            .Draw(image);

        // Five-pointed star in the centre, about a third of the diameter across.
        var starOuter = radius * 0.32;
        var starInner = starOuter * 0.382;
        var points = new List<PointD>(10);
        for (var i = 0; i < 10; i++)
        {
            var angle = (-90 + (i * 36)) * Math.PI / 180;
            var r = i % 2 == 0 ? starOuter : starInner;
            points.Add(new PointD(centre + (r * Math.Cos(angle)), centre + (r * Math.Sin(angle))));
        }

        new Drawables().StrokeColor(MagickColors.Transparent).FillColor(red).Polygon(points).Draw(image);

        DrawArcText(image, organisationName.Trim(), fontPath, red, centre, radius - ring - (0.9 * pxPerMm), radius);
        DrawKind(image, sealKind.Trim(), fontPath, red, centre, radius);

        image.Density = new Density(dpi, dpi, DensityUnit.PixelsPerInch);

        // One red with anti-aliased edges needs few colours: a palette PNG is a fifth of the RGBA size, and every seal is
        // embedded twice in each signed document.
        image.Quantize(new QuantizeSettings { Colors = 32, DitherMethod = DitherMethod.No });
        image.Format = MagickFormat.Png8;

        // No creation/modification time chunks, so the same input gives the same bytes.
        image.Settings.SetDefine(MagickFormat.Png, "exclude-chunks", "date,time");
        return image.ToByteArray();
    }

    /// <summary>Reads the pixel size of a supplied PNG, checking its signature and IHDR chunk; false for anything else.</summary>
    public static bool TryReadPng(byte[] png, out int widthPx, out int heightPx)
    {
        ArgumentNullException.ThrowIfNull(png);
        return Png.TryRead(png, out widthPx, out heightPx, out _);
    }

    /// <summary>Reads the pixel size of a supplied PNG, saying why it is refused.</summary>
    public static bool TryReadPng(byte[] png, out int widthPx, out int heightPx, out string? error)
    {
        ArgumentNullException.ThrowIfNull(png);
        return Png.TryRead(png, out widthPx, out heightPx, out error);
    }

    /// <summary>Characters evenly spaced along the upper arc, centred on the top, each rotated to stand on the arc facing out.</summary>
    private static void DrawArcText(MagickImage image, string text, string fontPath, MagickColor colour, double centre, double outerTextRadius, double radius)
    {
        var chars = System.Globalization.StringInfo.GetTextElementEnumerator(text);
        var elements = new List<string>();
        while (chars.MoveNext())
        {
            elements.Add((string)chars.Current);
        }

        var n = elements.Count;

        // A square CJK glyph about a quarter of the radius high; long names shrink so they fit in MaxArcDegrees.
        var font = radius * 0.26;
        double step = 0;
        double baseline = 0;
        for (var i = 0; i < 4; i++)
        {
            baseline = outerTextRadius - (0.88 * font);
            var middle = baseline + (0.4 * font);
            var natural = font * 1.12 / middle;
            var max = MaxArcDegrees * Math.PI / 180 / Math.Max(n - 1, 1);
            step = Math.Min(natural, max);
            if (natural <= max)
            {
                break;
            }

            font = step * middle / 1.12;
        }

        // Short names spread out a little, as on real seals, but never thinner than their natural spacing.
        var minSpan = Math.Min(150, 45 * (n - 1)) * Math.PI / 180;
        if (n > 1 && step * (n - 1) < minSpan)
        {
            step = minSpan / (n - 1);
        }

        var drawables = new Drawables()
            .Font(fontPath)
            .FontPointSize(font)
            .FillColor(colour)
            .StrokeColor(colour)
            .StrokeWidth(font * 0.035)
            .TextAlignment(TextAlignment.Center);
        for (var i = 0; i < n; i++)
        {
            // Angle from the top, clockwise; rotating the glyph by the same angle points its top away from the centre.
            var angle = (i - ((n - 1) / 2.0)) * step;
            var x = centre + (baseline * Math.Sin(angle));
            var y = centre - (baseline * Math.Cos(angle));
            drawables.PushGraphicContext()
                .Translation(x, y)
                .Rotation(angle * 180 / Math.PI)
                .Text(0, 0, elements[i])
                .PopGraphicContext();
        }

        drawables.Draw(image);
    }

    private static void DrawKind(MagickImage image, string text, string fontPath, MagickColor colour, double centre, double radius)
    {
        if (text.Length == 0)
        {
            return;
        }

        var font = Math.Min(radius * 0.19, radius * 1.25 / text.Length);
        new Drawables()
            .Font(fontPath)
            .FontPointSize(font)
            .FillColor(colour)
            .StrokeColor(colour)
            .StrokeWidth(font * 0.035)
            .TextAlignment(TextAlignment.Center)
            .Text(centre, centre + (radius * 0.52) + (font * 0.4), text)
            .Draw(image);
    }
}
