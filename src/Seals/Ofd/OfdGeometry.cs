using System.Globalization;

namespace ElectronicLicense.Seals.Ofd;

/// <summary>A rectangle in millimetres, origin top-left, y downwards (GB/T 33190 ST_Box: "x y width height").</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width, not negative.</param>
/// <param name="Height">Height, not negative.</param>
public readonly record struct OfdBox(double X, double Y, double Width, double Height)
{
    /// <summary>Right edge.</summary>
    public double Right => X + Width;

    /// <summary>Bottom edge.</summary>
    public double Bottom => Y + Height;

    /// <summary>Whether the two boxes share any area (touching edges do not count).</summary>
    public bool Overlaps(OfdBox other) => X < other.Right && other.X < Right && Y < other.Bottom && other.Y < Bottom;

    /// <summary>Parses the ST_Box form "x y w h".</summary>
    public static bool TryParse(string? text, out OfdBox box)
    {
        box = default;
        var parts = (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 4)
        {
            return false;
        }

        var values = new double[4];
        for (var i = 0; i < 4; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                return false;
            }
        }

        box = new OfdBox(values[0], values[1], values[2], values[3]);
        return values[2] >= 0 && values[3] >= 0;
    }

    /// <summary>The ST_Box form "x y w h".</summary>
    public override string ToString() => OfdNumber.Join(X, Y, Width, Height);
}

/// <summary>An RGB colour (GB/T 33190 CT_Color Value, default colour space).</summary>
/// <param name="R">Red 0–255.</param>
/// <param name="G">Green 0–255.</param>
/// <param name="B">Blue 0–255.</param>
public readonly record struct OfdColor(byte R, byte G, byte B)
{
    /// <summary>Black.</summary>
    public static OfdColor Black => new(0, 0, 0);

    /// <summary>The CT_Color Value form "r g b".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{R} {G} {B}");
}

/// <summary>Number formatting for OFD attributes: invariant culture, at most three decimals (a micrometre), no exponent.</summary>
internal static class OfdNumber
{
    public static string Format(double value)
    {
        var rounded = Math.Round(value, 3, MidpointRounding.AwayFromZero);
        return (rounded == 0 ? 0 : rounded).ToString("0.###", CultureInfo.InvariantCulture);
    }

    public static string Join(params ReadOnlySpan<double> values)
    {
        var parts = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            parts[i] = Format(values[i]);
        }

        return string.Join(' ', parts);
    }
}
