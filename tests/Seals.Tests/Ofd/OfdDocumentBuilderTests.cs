using System.Globalization;
using System.Xml.Linq;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Tests.Support;

namespace ElectronicLicense.Seals.Tests.Ofd;

public class OfdDocumentBuilderTests
{
    private static readonly XNamespace Ofd = OfdNames.Namespace;

    [Fact]
    public void Built_document_opens_with_the_reader_and_every_reference_resolves()
    {
        var built = Build();

        Assert.True(OfdPackage.TryOpen(built.Package.ToBytes(), OfdReadLimits.Default, out var package, out var error), error);
        Assert.All(package.Names.Where(n => n.EndsWith(".xml", StringComparison.Ordinal)), n => package.LoadXml(n));

        var entry = package.LoadXml("OFD.xml").Root!;
        Assert.Equal(Ofd + "OFD", entry.Name);
        Assert.Equal("1.0", (string?)entry.Attribute("Version"));
        Assert.Equal("OFD", (string?)entry.Attribute("DocType"));
        var docRoot = OfdPath.Resolve("", entry.Element(Ofd + "DocBody")!.Element(Ofd + "DocRoot")!.Value);
        var document = package.LoadXml(docRoot).Root!;
        var folder = OfdPath.FolderOf(docRoot);
        var commonData = document.Element(Ofd + "CommonData")!;
        Assert.Equal("0 0 210 297", commonData.Element(Ofd + "PageArea")!.Element(Ofd + "PhysicalBox")!.Value);

        var resourceIds = new HashSet<string>();
        foreach (var res in commonData.Elements().Where(e => e.Name == Ofd + "PublicRes" || e.Name == Ofd + "DocumentRes"))
        {
            var resPath = OfdPath.Resolve(folder, res.Value);
            var resRoot = package.LoadXml(resPath).Root!;
            var baseFolder = OfdPath.Resolve(OfdPath.FolderOf(resPath), (string)resRoot.Attribute("BaseLoc")! + "/");
            foreach (var file in resRoot.Descendants().Where(e => e.Name == Ofd + "FontFile" || e.Name == Ofd + "MediaFile"))
            {
                Assert.True(package.Contains(OfdPath.Resolve(baseFolder, file.Value)), $"missing {file.Value}");
                resourceIds.Add((string)file.Parent!.Attribute("ID")!);
            }
        }

        var pages = document.Element(Ofd + "Pages")!.Elements(Ofd + "Page").ToList();
        Assert.Equal(2, pages.Count);
        var contents = pages.Select(p => package.LoadXml(OfdPath.Resolve(folder, (string)p.Attribute("BaseLoc")!)).Root!).ToList();
        foreach (var content in contents)
        {
            Assert.All(content.Descendants(Ofd + "TextObject"), t => Assert.Contains((string)t.Attribute("Font")!, resourceIds));
            Assert.All(content.Descendants(Ofd + "ImageObject"), i => Assert.Contains((string)i.Attribute("ResourceID")!, resourceIds));
        }

        var ids = new[] { document }.Concat(contents)
            .Concat(commonData.Elements().Where(e => e.Name.LocalName.EndsWith("Res", StringComparison.Ordinal)).Select(r => package.LoadXml(OfdPath.Resolve(folder, r.Value)).Root!))
            .SelectMany(x => x.DescendantsAndSelf())
            .Select(e => (string?)e.Attribute("ID"))
            .OfType<string>()
            .Select(id => int.Parse(id, CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.True(int.Parse(commonData.Element(Ofd + "MaxUnitID")!.Value, CultureInfo.InvariantCulture) >= ids.Max());
        Assert.Equal(built.MaxUnitId, ids.Max());
        Assert.Equal(pages.Select(p => (int)p.Attribute("ID")!), built.Pages.Select(p => p.Id));
    }

    [Fact]
    public void DocInfo_carries_the_metadata_in_schema_order()
    {
        var info = Build().Package.LoadXml("OFD.xml").Root!.Element(Ofd + "DocBody")!.Element(Ofd + "DocInfo")!;

        Assert.Equal(
            ["DocID", "Title", "Author", "CreationDate", "Creator", "CustomDatas"],
            info.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("0123456789abcdef0123456789abcdef", info.Element(Ofd + "DocID")!.Value);
        Assert.Equal("2025-08-12", info.Element(Ofd + "CreationDate")!.Value);
        var custom = info.Element(Ofd + "CustomDatas")!.Elements(Ofd + "CustomData").ToList();
        Assert.Equal("证照编号", (string?)custom[0].Attribute("Name"));
        Assert.Equal("No. 1 <&>", custom[0].Value);
    }

    [Fact]
    public void Text_is_positioned_glyph_by_glyph_with_the_font_subset_to_the_characters_used()
    {
        var built = Build();
        var text = built.Package.LoadXml(built.Pages[0].ContentPath).Root!.Descendants(Ofd + "TextCode").First();

        Assert.Equal("营业执照 ABC 𠀀", text.Value);
        var deltas = ((string)text.Attribute("DeltaX")!).Split(' ').Select(d => double.Parse(d, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(text.Value.EnumerateRunes().Count() - 1, deltas.Count);
        Assert.Equal(FontConfig.WenKai.MeasureWidth("营", 5), deltas[0], 3);

        var font = built.Package.Entries.Single(e => e.Key.EndsWith(".ttf", StringComparison.Ordinal)).Value.ToArray();
        Assert.InRange(font.Length, 1, 30 * 1024);
        var expected = new SortedSet<int>("营业执照 ABC 𠀀第二页".EnumerateRunes().Select(r => r.Value).Where(c => FontConfig.WenKai.TryGetGlyphId(c, out _)));
        Assert.Equal(expected, FontConfig.Charset(font));
    }

    [Fact]
    public void Rectangles_are_one_path_of_closed_subpaths()
    {
        var built = Build();
        var path = built.Package.LoadXml(built.Pages[0].ContentPath).Root!.Descendants(Ofd + "PathObject").First();

        Assert.Equal("false", (string?)path.Attribute("Stroke"));
        Assert.Equal("true", (string?)path.Attribute("Fill"));
        Assert.Equal("M 0 0 L 1.5 0 L 1.5 1.5 L 0 1.5 C M 3 0 L 4.5 0 L 4.5 3 L 3 3 C", path.Element(Ofd + "AbbreviatedData")!.Value);
    }

    [Fact]
    public void Same_input_gives_the_same_bytes()
    {
        Assert.Equal(Build().Package.ToBytes(), Build().Package.ToBytes());
    }

    [Fact]
    public void DocID_must_be_32_hex_digits()
    {
        var info = new OfdDocumentInfo { DocId = "not-a-uuid", CreationDate = new DateOnly(2025, 1, 1) };

        Assert.Throws<ArgumentException>(() => new OfdDocumentBuilder(info, 210, 297));
    }

    private static OfdBuiltDocument Build()
    {
        var builder = new OfdDocumentBuilder(
            new OfdDocumentInfo
            {
                DocId = "0123456789ABCDEF0123456789ABCDEF",
                Title = "营业执照",
                Author = "重庆市渝中区市场监督管理局",
                CreationDate = new DateOnly(2025, 8, 12),
                Creator = "ElectronicLicense",
                CustomData = [new("证照编号", "No. 1 <&>"), new("版本", "1")],
            },
            210,
            297);
        var font = builder.AddFont(FontConfig.WenKai);
        var image = builder.AddPngImage(File.ReadAllBytes(Zips.Interop("StampImg.png")));
        var page = builder.AddPage();
        page.AddText(font, 5, 20, 30, "营业执照 ABC 𠀀");
        page.AddRectangles(new OfdBox(20, 40, 30, 30), [new OfdBox(0, 0, 1.5, 1.5), new OfdBox(3, 0, 1.5, 3)], OfdColor.Black);
        page.AddImage(image, new OfdBox(100, 100, 40, 40));
        page.AddLine(20, 80, 190, 80, OfdColor.Black, 0.3);
        page.AddRectangleOutline(new OfdBox(10, 10, 190, 277), new OfdColor(180, 30, 30), 0.5);
        builder.AddPage().AddText(font, 4, 20, 30, "第二页", new OfdColor(200, 0, 0));
        return builder.Build();
    }
}
