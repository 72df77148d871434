using System.Buffers.Binary;
using System.Text;

namespace ElectronicLicense.Seals.Fonts;

/// <summary>A TrueType font (glyf outlines) read into memory: character map, advance widths and the tables a subset needs.</summary>
/// <remarks>
/// Only what layout and subsetting use is read: <c>head</c>, <c>hhea</c>, <c>maxp</c>, <c>hmtx</c>, <c>loca</c>, <c>glyf</c>,
/// <c>cmap</c> formats 4 and 12 and the family name. Collections (<c>.ttc</c>) and CFF outlines (<c>OTTO</c>) are refused.
/// An instance is immutable and safe to share between threads; loading the 15 MB LXGW WenKai file takes a few tens of milliseconds,
/// so callers keep one instance per font file.
/// </remarks>
public sealed class TrueTypeFont
{
    private readonly byte[] data;
    private readonly Dictionary<string, (int Offset, int Length)> tables;
    private readonly Dictionary<int, int> characterMap;
    private readonly int numberOfHMetrics;
    private readonly int hmtxOffset;

    private TrueTypeFont(byte[] data, Dictionary<string, (int Offset, int Length)> tables)
    {
        this.data = data;
        this.tables = tables;

        var head = Table("head");
        if (head.Length < 54 || BinaryPrimitives.ReadUInt32BigEndian(head[12..]) != 0x5F0F3CF5)
        {
            throw new FontFormatException("The font's head table is missing its magic number 0x5F0F3CF5.");
        }

        UnitsPerEm = BinaryPrimitives.ReadUInt16BigEndian(head[18..]);
        if (UnitsPerEm is < 16 or > 16384)
        {
            throw new FontFormatException($"head.unitsPerEm must be 16–16384, got {UnitsPerEm}.");
        }

        IndexToLocFormat = BinaryPrimitives.ReadInt16BigEndian(head[50..]);
        if (IndexToLocFormat is not (0 or 1))
        {
            throw new FontFormatException($"head.indexToLocFormat must be 0 or 1, got {IndexToLocFormat}.");
        }

        GlyphCount = BinaryPrimitives.ReadUInt16BigEndian(Table("maxp")[4..]);
        var hhea = Table("hhea");
        Ascender = BinaryPrimitives.ReadInt16BigEndian(hhea[4..]);
        Descender = BinaryPrimitives.ReadInt16BigEndian(hhea[6..]);
        numberOfHMetrics = BinaryPrimitives.ReadUInt16BigEndian(hhea[34..]);
        if (numberOfHMetrics == 0 || numberOfHMetrics > GlyphCount)
        {
            throw new FontFormatException($"hhea.numberOfHMetrics must be 1–{GlyphCount}, got {numberOfHMetrics}.");
        }

        var hmtx = Table("hmtx");
        if (hmtx.Length < (numberOfHMetrics * 4) + ((GlyphCount - numberOfHMetrics) * 2))
        {
            throw new FontFormatException("The hmtx table is shorter than hhea and maxp require.");
        }

        hmtxOffset = tables["hmtx"].Offset;
        var locaLength = Table("loca").Length;
        if (locaLength < (GlyphCount + 1) * (IndexToLocFormat == 0 ? 2 : 4))
        {
            throw new FontFormatException("The loca table is shorter than maxp.numGlyphs requires.");
        }

        _ = Table("glyf");
        characterMap = ReadCharacterMap(Table("cmap"), GlyphCount);
        FamilyName = ReadFamilyName(tables.ContainsKey("name") ? Table("name") : []);
    }

    /// <summary>Font design units per em (1000 for LXGW WenKai, 2048 for many others).</summary>
    public int UnitsPerEm { get; }

    /// <summary>maxp.numGlyphs.</summary>
    public int GlyphCount { get; }

    /// <summary>hhea.ascender in font units (positive, above the baseline).</summary>
    public int Ascender { get; }

    /// <summary>hhea.descender in font units (negative, below the baseline).</summary>
    public int Descender { get; }

    /// <summary>The family name (name ID 1), English (Windows, 0x409) when present.</summary>
    public string FamilyName { get; }

    /// <summary>Every code point the font maps to a glyph.</summary>
    public IEnumerable<int> CodePoints => characterMap.Keys;

    internal int IndexToLocFormat { get; }

    /// <summary>Reads a font file.</summary>
    /// <exception cref="FontFormatException">The file is not a TrueType font with glyf outlines.</exception>
    public static TrueTypeFont Load(string path) => Parse(File.ReadAllBytes(path));

    /// <summary>Reads a font from its bytes; the array is kept, not copied, and must not change afterwards.</summary>
    /// <exception cref="FontFormatException">The bytes are not a TrueType font with glyf outlines.</exception>
    public static TrueTypeFont Parse(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        try
        {
            return new TrueTypeFont(data, ReadTableDirectory(data));
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or ArgumentException)
        {
            throw new FontFormatException("The font file is truncated or a table points outside it.", e);
        }
    }

    /// <summary>Whether the font has a glyph for <paramref name="codePoint"/>, and which.</summary>
    public bool TryGetGlyphId(int codePoint, out int glyphId) => characterMap.TryGetValue(codePoint, out glyphId);

    /// <summary>The advance width of a glyph in font units.</summary>
    public int GetAdvanceWidth(int glyphId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(glyphId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(glyphId, GlyphCount);
        var metric = Math.Min(glyphId, numberOfHMetrics - 1);
        return BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(hmtxOffset + (metric * 4)));
    }

    /// <summary>The left side bearing of a glyph in font units.</summary>
    internal short GetLeftSideBearing(int glyphId) => glyphId < numberOfHMetrics
        ? BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(hmtxOffset + (glyphId * 4) + 2))
        : BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(hmtxOffset + (numberOfHMetrics * 4) + ((glyphId - numberOfHMetrics) * 2)));

    /// <summary>The advance of each code point of <paramref name="text"/> at <paramref name="fontSize"/> (any length unit, e.g. mm); characters the font lacks get the .notdef advance.</summary>
    public double[] GetAdvances(string text, double fontSize)
    {
        ArgumentNullException.ThrowIfNull(text);
        var advances = new List<double>(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var glyph = TryGetGlyphId(rune.Value, out var id) ? id : 0;
            advances.Add(GetAdvanceWidth(glyph) * fontSize / UnitsPerEm);
        }

        return [.. advances];
    }

    /// <summary>The width of <paramref name="text"/> set at <paramref name="fontSize"/>, in the unit of the size (e.g. mm).</summary>
    public double MeasureWidth(string text, double fontSize) => GetAdvances(text, fontSize).Sum();

    /// <summary>A new font holding only .notdef and the glyphs of <paramref name="codePoints"/>; see <see cref="TrueTypeSubsetter"/>.</summary>
    public byte[] Subset(IEnumerable<int> codePoints) => TrueTypeSubsetter.Subset(this, codePoints);

    internal bool HasTable(string tag) => tables.ContainsKey(tag);

    internal ReadOnlySpan<byte> Table(string tag) => tables.TryGetValue(tag, out var table)
        ? data.AsSpan(table.Offset, table.Length)
        : throw new FontFormatException($"The font has no '{tag}' table; a TrueType font with glyf outlines is required.");

    /// <summary>The outline bytes of one glyph (empty for glyphs without contours, e.g. space).</summary>
    internal ReadOnlySpan<byte> GlyphData(int glyphId)
    {
        var loca = Table("loca");
        int start, end;
        if (IndexToLocFormat == 0)
        {
            start = BinaryPrimitives.ReadUInt16BigEndian(loca[(glyphId * 2)..]) * 2;
            end = BinaryPrimitives.ReadUInt16BigEndian(loca[((glyphId + 1) * 2)..]) * 2;
        }
        else
        {
            start = checked((int)BinaryPrimitives.ReadUInt32BigEndian(loca[(glyphId * 4)..]));
            end = checked((int)BinaryPrimitives.ReadUInt32BigEndian(loca[((glyphId + 1) * 4)..]));
        }

        var glyf = Table("glyf");
        if (start > end || end > glyf.Length)
        {
            throw new FontFormatException($"loca entry of glyph {glyphId} points outside the glyf table.");
        }

        return glyf[start..end];
    }

    private static Dictionary<string, (int Offset, int Length)> ReadTableDirectory(byte[] data)
    {
        if (data.Length < 12)
        {
            throw new FontFormatException("The font file is shorter than a table directory.");
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(data);
        if (version == 0x4F54544F)
        {
            throw new FontFormatException("The font has CFF outlines (OTTO); a TrueType font with glyf outlines is required.");
        }

        if (version == 0x74746366)
        {
            throw new FontFormatException("The file is a font collection (.ttc); give a single .ttf font.");
        }

        if (version is not (0x00010000 or 0x74727565))
        {
            throw new FontFormatException($"Unknown sfnt version 0x{version:X8}; a TrueType font (0x00010000) is required.");
        }

        var count = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(4));
        var tables = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var record = data.AsSpan(12 + (16 * i), 16);
            var tag = Encoding.ASCII.GetString(record[..4]);
            var offset = BinaryPrimitives.ReadUInt32BigEndian(record[8..]);
            var length = BinaryPrimitives.ReadUInt32BigEndian(record[12..]);
            if ((ulong)offset + length > (ulong)data.Length)
            {
                throw new FontFormatException($"Table '{tag}' lies outside the file.");
            }

            tables[tag] = ((int)offset, (int)length);
        }

        return tables;
    }

    private static Dictionary<int, int> ReadCharacterMap(ReadOnlySpan<byte> cmap, int glyphCount)
    {
        var map = new Dictionary<int, int>();
        var count = BinaryPrimitives.ReadUInt16BigEndian(cmap[2..]);
        var subtables = new List<(int Priority, int Offset)>();
        for (var i = 0; i < count; i++)
        {
            var platform = BinaryPrimitives.ReadUInt16BigEndian(cmap[(4 + (8 * i))..]);
            var encoding = BinaryPrimitives.ReadUInt16BigEndian(cmap[(6 + (8 * i))..]);
            var offset = (int)BinaryPrimitives.ReadUInt32BigEndian(cmap[(8 + (8 * i))..]);
            var format = BinaryPrimitives.ReadUInt16BigEndian(cmap[offset..]);
            var unicode = platform == 0 || (platform == 3 && encoding is 1 or 10);
            if (unicode && format is 4 or 12)
            {
                // Format 4 first, then format 12 over it: format 12 covers the supplementary planes and wins on overlap.
                subtables.Add((format, offset));
            }
        }

        if (subtables.Count == 0)
        {
            throw new FontFormatException("The font has no Unicode cmap subtable of format 4 or 12.");
        }

        foreach (var (format, offset) in subtables.OrderBy(s => s.Priority).DistinctBy(s => s.Offset))
        {
            if (format == 4)
            {
                ReadFormat4(cmap[offset..], map, glyphCount);
            }
            else
            {
                ReadFormat12(cmap[offset..], map, glyphCount);
            }
        }

        return map;
    }

    private static void ReadFormat4(ReadOnlySpan<byte> table, Dictionary<int, int> map, int glyphCount)
    {
        var segCount = BinaryPrimitives.ReadUInt16BigEndian(table[6..]) / 2;
        var endCodes = 14;
        var startCodes = endCodes + (segCount * 2) + 2;
        var idDeltas = startCodes + (segCount * 2);
        var idRangeOffsets = idDeltas + (segCount * 2);
        for (var i = 0; i < segCount; i++)
        {
            int end = BinaryPrimitives.ReadUInt16BigEndian(table[(endCodes + (i * 2))..]);
            int start = BinaryPrimitives.ReadUInt16BigEndian(table[(startCodes + (i * 2))..]);
            int delta = BinaryPrimitives.ReadUInt16BigEndian(table[(idDeltas + (i * 2))..]);
            int rangeOffset = BinaryPrimitives.ReadUInt16BigEndian(table[(idRangeOffsets + (i * 2))..]);
            for (var c = start; c <= end && c != 0xFFFF; c++)
            {
                int glyph;
                if (rangeOffset == 0)
                {
                    glyph = (c + delta) & 0xFFFF;
                }
                else
                {
                    var at = idRangeOffsets + (i * 2) + rangeOffset + ((c - start) * 2);
                    glyph = BinaryPrimitives.ReadUInt16BigEndian(table[at..]);
                    if (glyph != 0)
                    {
                        glyph = (glyph + delta) & 0xFFFF;
                    }
                }

                if (glyph != 0 && glyph < glyphCount)
                {
                    map[c] = glyph;
                }
            }
        }
    }

    private static void ReadFormat12(ReadOnlySpan<byte> table, Dictionary<int, int> map, int glyphCount)
    {
        var groups = BinaryPrimitives.ReadUInt32BigEndian(table[12..]);
        for (var i = 0; i < groups; i++)
        {
            var group = table.Slice(16 + (12 * i), 12);
            var start = BinaryPrimitives.ReadUInt32BigEndian(group);
            var end = Math.Min(BinaryPrimitives.ReadUInt32BigEndian(group[4..]), 0x10FFFFu);
            var glyph = BinaryPrimitives.ReadUInt32BigEndian(group[8..]);
            for (var c = start; c <= end && glyph < glyphCount; c++, glyph++)
            {
                if (glyph != 0)
                {
                    map[(int)c] = (int)glyph;
                }
            }
        }
    }

    private static string ReadFamilyName(ReadOnlySpan<byte> name)
    {
        if (name.Length < 6)
        {
            return string.Empty;
        }

        var count = BinaryPrimitives.ReadUInt16BigEndian(name[2..]);
        var storage = BinaryPrimitives.ReadUInt16BigEndian(name[4..]);
        string? best = null;
        var bestScore = -1;
        for (var i = 0; i < count; i++)
        {
            var record = name.Slice(6 + (12 * i), 12);
            var platform = BinaryPrimitives.ReadUInt16BigEndian(record);
            var encoding = BinaryPrimitives.ReadUInt16BigEndian(record[2..]);
            var language = BinaryPrimitives.ReadUInt16BigEndian(record[4..]);
            var nameId = BinaryPrimitives.ReadUInt16BigEndian(record[6..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(record[8..]);
            var offset = BinaryPrimitives.ReadUInt16BigEndian(record[10..]);
            if (nameId != 1)
            {
                continue;
            }

            var (score, text) = (platform, encoding) switch
            {
                (3, 1) => (language == 0x409 ? 3 : 2, Encoding.BigEndianUnicode.GetString(name.Slice(storage + offset, length))),
                (0, _) => (1, Encoding.BigEndianUnicode.GetString(name.Slice(storage + offset, length))),
                (1, 0) => (0, Encoding.Latin1.GetString(name.Slice(storage + offset, length))),
                _ => (-1, string.Empty),
            };
            if (score > bestScore)
            {
                (best, bestScore) = (text, score);
            }
        }

        return best ?? string.Empty;
    }
}
