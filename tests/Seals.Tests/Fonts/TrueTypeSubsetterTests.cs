using System.Buffers.Binary;
using ElectronicLicense.Seals.Fonts;
using ElectronicLicense.Seals.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ElectronicLicense.Seals.Tests.Fonts;

[Properties(Arbitrary = new[] { typeof(TrueTypeSubsetterArbitraries) })]
public class TrueTypeSubsetterTests
{
    private const string Sample = "营业执照统一社会信用代码名称类型法定代表人注册资本成立日期住所经营范围重庆市渝中区市场监督管理局有限责任公司ABCxyz0123456789-（）：";

    [Fact]
    public void Fc_scan_lists_exactly_the_requested_characters()
    {
        var requested = Runes(Sample);

        var subset = FontConfig.WenKai.Subset(requested);

        Assert.Equal(requested, FontConfig.Charset(subset));
    }

    [Fact]
    public void Fc_scan_reads_the_family_name()
    {
        var subset = FontConfig.WenKai.Subset(Runes("证照"));

        Assert.Contains("LXGW WenKai", FontConfig.Scan(subset, "%{family}\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Sixty_CJK_characters_take_a_few_tens_of_kilobytes()
    {
        var cjk = FontConfig.WenKai.CodePoints.Where(c => c is >= 0x4E00 and <= 0x9FFF).Order().Where((c, i) => i % 300 == 0).Take(60).ToList();
        Assert.Equal(60, cjk.Count);

        var subset = FontConfig.WenKai.Subset(cjk);

        Assert.InRange(subset.Length, 1, 60 * 1024);
    }

    // Each case spawns fc-scan: a handful of cases is enough to catch layout errors that one fixed set would miss.
    [Property(MaxTest = 8)]
    public bool Random_subsets_of_CJK_and_ASCII_are_read_back_by_fontconfig(CjkAndAsciiSubset subset)
    {
        var requested = subset.CodePoints;
        return requested.SetEquals(FontConfig.Charset(FontConfig.WenKai.Subset(requested)));
    }

    [Fact]
    public void Supplementary_plane_characters_get_a_format_12_cmap()
    {
        var supplementary = FontConfig.WenKai.CodePoints.Where(c => c > 0xFFFF).Order().Take(3).ToList();
        Assert.NotEmpty(supplementary);
        var requested = new SortedSet<int>(supplementary) { '中', 'A' };

        var subset = FontConfig.WenKai.Subset(requested);

        Assert.Equal(requested, FontConfig.Charset(subset));
        var reread = TrueTypeFont.Parse(subset);
        Assert.All(requested, c => Assert.True(reread.TryGetGlyphId(c, out _)));
    }

    [Fact]
    public void Composite_glyphs_bring_their_components_with_new_ids()
    {
        var font = FontConfig.WenKai;
        var composite = font.CodePoints.Order().First(c => font.TryGetGlyphId(c, out var g) && TrueTypeSubsetter.ComponentIds(font.GlyphData(g)).Any());
        font.TryGetGlyphId(composite, out var original);
        var originalComponents = TrueTypeSubsetter.ComponentIds(font.GlyphData(original)).ToList();

        var subset = TrueTypeFont.Parse(font.Subset([composite]));

        Assert.True(subset.TryGetGlyphId(composite, out var glyph));
        var components = TrueTypeSubsetter.ComponentIds(subset.GlyphData(glyph)).ToList();
        Assert.Equal(originalComponents.Count, components.Count);
        Assert.Equal(1 + 1 + originalComponents.Distinct().Count(), subset.GlyphCount);
        for (var i = 0; i < components.Count; i++)
        {
            Assert.InRange(components[i], 1, subset.GlyphCount - 1);
            // The subset pads each glyph to 4 bytes; the outline itself is copied unchanged.
            var expected = font.GlyphData(originalComponents[i]).ToArray();
            Assert.Equal(expected, subset.GlyphData(components[i])[..expected.Length].ToArray());
        }

        Assert.Equal(new SortedSet<int> { composite }, FontConfig.Charset(font.Subset([composite])));
    }

    [Fact]
    public void Subset_keeps_advance_widths_and_drops_layout_tables()
    {
        var font = FontConfig.WenKai;
        var subset = TrueTypeFont.Parse(font.Subset(Runes("中A ")));

        Assert.Equal(font.MeasureWidth("中A ", 10), subset.MeasureWidth("中A ", 10), 6);
        Assert.Equal(font.Ascender, subset.Ascender);
        Assert.Equal(font.FamilyName, subset.FamilyName);
        Assert.False(subset.HasTable("GSUB"));
        Assert.False(subset.HasTable("vmtx"));
        Assert.True(subset.HasTable("OS/2"));
        Assert.Equal(0x00030000u, BinaryPrimitives.ReadUInt32BigEndian(subset.Table("post")));
    }

    [Fact]
    public void Table_checksums_and_checkSumAdjustment_are_consistent()
    {
        var bytes = FontConfig.WenKai.Subset(Runes(Sample));

        var count = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(4));
        for (var i = 0; i < count; i++)
        {
            var record = bytes.AsSpan(12 + (16 * i));
            var offset = (int)BinaryPrimitives.ReadUInt32BigEndian(record[8..]);
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(record[12..]);
            Assert.Equal(0, offset % 4);
            var table = bytes.AsSpan(offset, (length + 3) & ~3).ToArray();
            if (System.Text.Encoding.ASCII.GetString(record[..4]) == "head")
            {
                BinaryPrimitives.WriteUInt32BigEndian(table.AsSpan(8), 0);
            }

            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(record[4..]), Checksum(table));
        }

        Assert.Equal(0xB1B0AFBAu, Checksum(bytes));
    }

    [Fact]
    public void Measures_text_from_advance_widths()
    {
        var font = FontConfig.WenKai;
        font.TryGetGlyphId('中', out var glyph);

        Assert.Equal(font.GetAdvanceWidth(glyph) * 5.0 / font.UnitsPerEm * 2, font.MeasureWidth("中中", 5), 9);
        Assert.Equal(1000, font.UnitsPerEm);
        Assert.Equal("LXGW WenKai", font.FamilyName);
    }

    [Fact]
    public void Parse_refuses_what_is_not_a_TrueType_font()
    {
        Assert.Throws<FontFormatException>(() => TrueTypeFont.Parse([1, 2, 3]));
        Assert.Throws<FontFormatException>(() => TrueTypeFont.Parse("OTTO\0\0\0\0\0\0\0\0"u8.ToArray()));
        Assert.Throws<FontFormatException>(() => TrueTypeFont.Parse(File.ReadAllBytes(FontConfig.WenKaiPath).AsSpan(0, 4096).ToArray()));
    }

    private static SortedSet<int> Runes(string text) => new(text.EnumerateRunes().Select(r => r.Value));

    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 4 <= data.Length; i += 4)
        {
            sum = unchecked(sum + BinaryPrimitives.ReadUInt32BigEndian(data[i..]));
        }

        return sum;
    }
}

/// <summary>1–40 code points of the font, ASCII or CJK unified ideographs.</summary>
public sealed record CjkAndAsciiSubset(SortedSet<int> CodePoints)
{
    public override string ToString() => $"CjkAndAsciiSubset {{ {string.Join(" ", CodePoints.Select(c => $"U+{c:X4}"))} }}";
}

internal static class TrueTypeSubsetterArbitraries
{
    public static Arbitrary<CjkAndAsciiSubset> CjkAndAsciiSubset()
    {
        var available = FontConfig.WenKai.CodePoints.Where(c => c is (>= 0x21 and <= 0x7E) or (>= 0x4E00 and <= 0x9FFF)).Order().ToArray();
        return Gen.Choose(1, 40)
            .SelectMany(n => Gen.ArrayOf(Gen.Elements(available), n))
            .Select(codes => new CjkAndAsciiSubset(new SortedSet<int>(codes)))
            .ToArbitrary();
    }
}
