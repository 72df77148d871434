using System.Buffers.Binary;

namespace ElectronicLicense.Seals.Fonts;

/// <summary>Cuts a TrueType font down to the characters a document uses, so it can be embedded in every document.</summary>
/// <remarks>
/// The subset keeps glyph 0 (.notdef), the glyphs of the requested code points and every component of their composite glyphs,
/// renumbered compactly (.notdef, then the requested glyphs by code point, then components). Outlines and hinting
/// instructions are copied unchanged except for the component glyph ids. Rebuilt: <c>glyf</c>, <c>loca</c> (short format when
/// it fits), <c>hmtx</c>/<c>hhea.numberOfHMetrics</c>, <c>maxp.numGlyphs</c>, <c>cmap</c> (format 4 for the BMP, plus format
/// 12 when a supplementary-plane character is used), <c>post</c> format 3 (no glyph names). Kept: <c>head</c>, <c>OS/2</c>,
/// <c>name</c>, and <c>cvt </c>/<c>fpgm</c>/<c>prep</c>/<c>gasp</c> if present. Everything else — layout tables (GSUB, GPOS,
/// GDEF, BASE), vertical metrics (vhea, vmtx), kern, hdmx, DSIG — is dropped: their glyph ids would be wrong. Code points the
/// font lacks are left out of the cmap (they render as .notdef).
/// </remarks>
public static class TrueTypeSubsetter
{
    private static readonly string[] CopiedTables = ["OS/2", "name", "cvt ", "fpgm", "prep", "gasp"];

    // Composite glyph flags (OpenType glyf table, "Composite glyph description").
    private const ushort Arg1And2AreWords = 0x0001;
    private const ushort WeHaveAScale = 0x0008;
    private const ushort MoreComponents = 0x0020;
    private const ushort WeHaveAnXAndYScale = 0x0040;
    private const ushort WeHaveATwoByTwo = 0x0080;

    /// <summary>Returns the bytes of a new .ttf holding the glyphs of <paramref name="codePoints"/>.</summary>
    public static byte[] Subset(TrueTypeFont font, IEnumerable<int> codePoints)
    {
        ArgumentNullException.ThrowIfNull(font);
        ArgumentNullException.ThrowIfNull(codePoints);

        var mapped = new SortedDictionary<int, int>();
        foreach (var codePoint in codePoints)
        {
            if (font.TryGetGlyphId(codePoint, out var glyph))
            {
                mapped[codePoint] = glyph;
            }
        }

        // New glyph order: .notdef, requested glyphs by code point, then components found while walking composites.
        var order = new List<int> { 0 };
        var newIds = new Dictionary<int, int> { [0] = 0 };
        foreach (var glyph in mapped.Values)
        {
            if (newIds.TryAdd(glyph, order.Count))
            {
                order.Add(glyph);
            }
        }

        for (var i = 0; i < order.Count; i++)
        {
            foreach (var component in ComponentIds(font.GlyphData(order[i])))
            {
                if (component >= font.GlyphCount)
                {
                    throw new FontFormatException($"Composite glyph {order[i]} refers to glyph {component}, beyond maxp.numGlyphs.");
                }

                if (newIds.TryAdd(component, order.Count))
                {
                    order.Add(component);
                }
            }
        }

        var (glyf, offsets) = BuildGlyf(font, order, newIds);
        var shortLoca = glyf.Length <= 0x1FFFE;
        var tables = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["glyf"] = glyf,
            ["loca"] = BuildLoca(offsets, shortLoca),
            ["hmtx"] = BuildHmtx(font, order),
            ["hhea"] = Patch(font.Table("hhea"), 34, (ushort)order.Count),
            ["maxp"] = Patch(font.Table("maxp"), 4, (ushort)order.Count),
            ["head"] = BuildHead(font.Table("head"), shortLoca),
            ["cmap"] = BuildCmap(mapped.ToDictionary(p => p.Key, p => newIds[p.Value])),
            ["post"] = BuildPost(font),
        };

        foreach (var tag in CopiedTables.Where(font.HasTable))
        {
            tables[tag] = font.Table(tag).ToArray();
        }

        if (tables.TryGetValue("OS/2", out var os2) && os2.Length >= 68 && mapped.Count > 0)
        {
            // usFirstCharIndex / usLastCharIndex describe the subset's own characters (0xFFFF caps the supplementary planes).
            BinaryPrimitives.WriteUInt16BigEndian(os2.AsSpan(64), (ushort)Math.Min(mapped.Keys.First(), 0xFFFF));
            BinaryPrimitives.WriteUInt16BigEndian(os2.AsSpan(66), (ushort)Math.Min(mapped.Keys.Last(), 0xFFFF));
        }

        return Assemble(tables);
    }

    /// <summary>The glyph ids a composite glyph refers to (none for a simple or empty glyph).</summary>
    internal static IEnumerable<int> ComponentIds(ReadOnlySpan<byte> glyph)
    {
        var ids = new List<int>();
        ForEachComponent(glyph, (offset, id) => ids.Add(id));
        return ids;
    }

    private static void ForEachComponent(ReadOnlySpan<byte> glyph, Action<int, int> visit)
    {
        if (glyph.Length < 10 || BinaryPrimitives.ReadInt16BigEndian(glyph) >= 0)
        {
            return;
        }

        var at = 10;
        ushort flags;
        do
        {
            flags = BinaryPrimitives.ReadUInt16BigEndian(glyph[at..]);
            visit(at + 2, BinaryPrimitives.ReadUInt16BigEndian(glyph[(at + 2)..]));
            at += 4 + ((flags & Arg1And2AreWords) != 0 ? 4 : 2);
            at += (flags & WeHaveAScale) != 0 ? 2 : (flags & WeHaveAnXAndYScale) != 0 ? 4 : (flags & WeHaveATwoByTwo) != 0 ? 8 : 0;
        }
        while ((flags & MoreComponents) != 0);
    }

    private static (byte[] Glyf, int[] Offsets) BuildGlyf(TrueTypeFont font, List<int> order, Dictionary<int, int> newIds)
    {
        using var glyf = new MemoryStream();
        var offsets = new int[order.Count + 1];
        for (var i = 0; i < order.Count; i++)
        {
            offsets[i] = (int)glyf.Position;
            var glyph = font.GlyphData(order[i]).ToArray();
            ForEachComponent(glyph, (offset, id) => BinaryPrimitives.WriteUInt16BigEndian(glyph.AsSpan(offset), (ushort)newIds[id]));
            glyf.Write(glyph);
            glyf.Write(new byte[Pad4(glyph.Length) - glyph.Length]);
        }

        offsets[order.Count] = (int)glyf.Position;
        return (glyf.ToArray(), offsets);
    }

    private static byte[] BuildLoca(int[] offsets, bool shortFormat)
    {
        var loca = new byte[offsets.Length * (shortFormat ? 2 : 4)];
        for (var i = 0; i < offsets.Length; i++)
        {
            if (shortFormat)
            {
                BinaryPrimitives.WriteUInt16BigEndian(loca.AsSpan(i * 2), (ushort)(offsets[i] / 2));
            }
            else
            {
                BinaryPrimitives.WriteUInt32BigEndian(loca.AsSpan(i * 4), (uint)offsets[i]);
            }
        }

        return loca;
    }

    private static byte[] BuildHmtx(TrueTypeFont font, List<int> order)
    {
        // Every glyph gets a full longHorMetric (numberOfHMetrics = numGlyphs): simpler than trimming trailing equal advances, and a subset is small.
        var hmtx = new byte[order.Count * 4];
        for (var i = 0; i < order.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(hmtx.AsSpan(i * 4), (ushort)font.GetAdvanceWidth(order[i]));
            BinaryPrimitives.WriteInt16BigEndian(hmtx.AsSpan((i * 4) + 2), font.GetLeftSideBearing(order[i]));
        }

        return hmtx;
    }

    private static byte[] BuildHead(ReadOnlySpan<byte> source, bool shortLoca)
    {
        var head = source.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(8), 0); // checkSumAdjustment, set once the file is assembled
        BinaryPrimitives.WriteInt16BigEndian(head.AsSpan(50), (short)(shortLoca ? 0 : 1));
        return head;
    }

    private static byte[] BuildPost(TrueTypeFont font)
    {
        // post format 3.0: the 32-byte header only, no glyph names (italicAngle, underline and isFixedPitch kept).
        var post = new byte[32];
        if (font.HasTable("post") && font.Table("post").Length >= 16)
        {
            font.Table("post")[..16].CopyTo(post);
        }

        BinaryPrimitives.WriteUInt32BigEndian(post, 0x00030000);
        return post;
    }

    private static byte[] BuildCmap(Dictionary<int, int> map)
    {
        var sorted = map.OrderBy(p => p.Key).ToList();
        var runs = new List<(int Start, int End, int Glyph)>();
        foreach (var (code, glyph) in sorted)
        {
            if (runs.Count > 0 && runs[^1].End == code - 1 && runs[^1].Glyph + (code - runs[^1].Start) == glyph)
            {
                runs[^1] = (runs[^1].Start, code, runs[^1].Glyph);
            }
            else
            {
                runs.Add((code, code, glyph));
            }
        }

        var format4 = BuildFormat4(runs.Where(r => r.Start <= 0xFFFE).Select(r => (r.Start, Math.Min(r.End, 0xFFFE), r.Glyph)).ToList());
        var hasSupplementary = sorted.Count > 0 && sorted[^1].Key > 0xFFFF;
        var subtables = new List<(ushort Platform, ushort Encoding, byte[] Data)> { (3, 1, format4) };
        if (hasSupplementary)
        {
            subtables.Add((3, 10, BuildFormat12(runs)));
        }

        using var cmap = new MemoryStream();
        var header = new byte[4 + (8 * subtables.Count)];
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)subtables.Count);
        var offset = header.Length;
        for (var i = 0; i < subtables.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4 + (8 * i)), subtables[i].Platform);
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6 + (8 * i)), subtables[i].Encoding);
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8 + (8 * i)), (uint)offset);
            offset += subtables[i].Data.Length;
        }

        cmap.Write(header);
        foreach (var subtable in subtables)
        {
            cmap.Write(subtable.Data);
        }

        return cmap.ToArray();
    }

    private static byte[] BuildFormat4(List<(int Start, int End, int Glyph)> runs)
    {
        // One segment per run of consecutive codes with consecutive glyph ids (idDelta, no glyphIdArray), then the 0xFFFF end segment.
        runs.Add((0xFFFF, 0xFFFF, 0));
        var segCount = runs.Count;
        var length = 16 + (segCount * 8);
        var table = new byte[length];
        var span = table.AsSpan();
        var searchRange = 2 * (1 << (int)Math.Floor(Math.Log2(segCount)));
        BinaryPrimitives.WriteUInt16BigEndian(span, 4);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)length);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], (ushort)(segCount * 2));
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], (ushort)searchRange);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], (ushort)Math.Log2(searchRange / 2));
        BinaryPrimitives.WriteUInt16BigEndian(span[12..], (ushort)((segCount * 2) - searchRange));
        var ends = 14;
        var starts = ends + (segCount * 2) + 2;
        var deltas = starts + (segCount * 2);
        for (var i = 0; i < segCount; i++)
        {
            var (start, end, glyph) = runs[i];
            BinaryPrimitives.WriteUInt16BigEndian(span[(ends + (i * 2))..], (ushort)end);
            BinaryPrimitives.WriteUInt16BigEndian(span[(starts + (i * 2))..], (ushort)start);
            var delta = start == 0xFFFF ? 1 : (glyph - start) & 0xFFFF;
            BinaryPrimitives.WriteUInt16BigEndian(span[(deltas + (i * 2))..], (ushort)delta);
        }

        return table;
    }

    private static byte[] BuildFormat12(List<(int Start, int End, int Glyph)> runs)
    {
        var table = new byte[16 + (12 * runs.Count)];
        var span = table.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span, 12);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], (uint)table.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span[12..], (uint)runs.Count);
        for (var i = 0; i < runs.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[(16 + (12 * i))..], (uint)runs[i].Start);
            BinaryPrimitives.WriteUInt32BigEndian(span[(20 + (12 * i))..], (uint)runs[i].End);
            BinaryPrimitives.WriteUInt32BigEndian(span[(24 + (12 * i))..], (uint)runs[i].Glyph);
        }

        return table;
    }

    private static byte[] Patch(ReadOnlySpan<byte> source, int offset, ushort value)
    {
        var table = source.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(table.AsSpan(offset), value);
        return table;
    }

    private static byte[] Assemble(SortedDictionary<string, byte[]> tables)
    {
        var count = tables.Count;
        var entrySelector = (int)Math.Floor(Math.Log2(count));
        var searchRange = (1 << entrySelector) * 16;
        var directoryLength = 12 + (16 * count);
        var file = new byte[directoryLength + tables.Values.Sum(t => Pad4(t.Length))];
        var span = file.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, 0x00010000);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], (ushort)count);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], (ushort)searchRange);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], (ushort)entrySelector);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], (ushort)((count * 16) - searchRange));

        // Tables sorted by tag (ordinal = byte order, as the directory requires), each 4-byte aligned with zero padding.
        var offset = directoryLength;
        var headOffset = -1;
        var index = 0;
        foreach (var (tag, data) in tables)
        {
            var record = span.Slice(12 + (16 * index++), 16);
            for (var c = 0; c < 4; c++)
            {
                record[c] = (byte)tag[c];
            }

            data.CopyTo(span[offset..]);
            BinaryPrimitives.WriteUInt32BigEndian(record[4..], Checksum(span.Slice(offset, Pad4(data.Length))));
            BinaryPrimitives.WriteUInt32BigEndian(record[8..], (uint)offset);
            BinaryPrimitives.WriteUInt32BigEndian(record[12..], (uint)data.Length);
            if (tag == "head")
            {
                headOffset = offset;
            }

            offset += Pad4(data.Length);
        }

        // head.checkSumAdjustment = 0xB1B0AFBA − checksum of the whole file computed with the field at zero.
        BinaryPrimitives.WriteUInt32BigEndian(span[(headOffset + 8)..], unchecked(0xB1B0AFBA - Checksum(span)));
        return file;
    }

    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 4 <= data.Length; i += 4)
        {
            sum = unchecked(sum + BinaryPrimitives.ReadUInt32BigEndian(data[i..]));
        }

        return sum;
    }

    private static int Pad4(int length) => (length + 3) & ~3;
}
