using System.Text;
using System.Xml;
using System.Xml.Linq;
using ElectronicLicense.Seals.Fonts;

namespace ElectronicLicense.Seals.Ofd;

/// <summary>Writes a single-document OFD package (GB/T 33190-2016): OFD.xml, Doc_0/Document.xml, resources and page contents.</summary>
/// <remarks>
/// Layout of the package written:
/// <code>
/// OFD.xml                         DocBody: DocInfo, DocRoot Doc_0/Document.xml
/// Doc_0/Document.xml              CommonData (MaxUnitID, PageArea, PublicRes, DocumentRes), Pages
/// Doc_0/PublicRes.xml             Fonts (Res BaseLoc="Res")
/// Doc_0/DocumentRes.xml           MultiMedias (Res BaseLoc="Res")
/// Doc_0/Pages/Page_N/Content.xml  one Layer per page
/// Doc_0/Res/font_ID.ttf, image_ID.png
/// </code>
/// Every ID (fonts, images, pages, layers, graphic objects) is unique in the document and allocated in call order, so the same
/// calls give the same bytes. Embedded fonts are subset at <see cref="Build"/> time to the characters placed with them.
/// A signer adds Doc_0/Signs/… and a Signatures reference in OFD.xml afterwards, and locates pages by <see cref="OfdPageBuilder.Id"/>.
/// </remarks>
public sealed class OfdDocumentBuilder
{
    private const string DocumentFolder = "Doc_0/";
    private readonly OfdDocumentInfo info;
    private readonly List<OfdFont> fonts = [];
    private readonly List<OfdImage> images = [];
    private readonly List<OfdPageBuilder> pages = [];
    private int lastId;

    /// <summary>Starts a document whose pages are <paramref name="pageWidth"/> × <paramref name="pageHeight"/> mm (e.g. A4 210 × 297).</summary>
    public OfdDocumentBuilder(OfdDocumentInfo info, double pageWidth, double pageHeight)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.DocId.Length != 32 || !info.DocId.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException("DocID must be a UUID written as 32 hex digits without dashes.", nameof(info));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageHeight);
        this.info = info;
        PageArea = new OfdBox(0, 0, pageWidth, pageHeight);
    }

    /// <summary>The physical box of every page, in mm.</summary>
    public OfdBox PageArea { get; }

    /// <summary>Registers a font to embed; it is subset to the characters drawn with it.</summary>
    public OfdFont AddFont(TrueTypeFont font)
    {
        ArgumentNullException.ThrowIfNull(font);
        var added = new OfdFont(NextId(), font);
        fonts.Add(added);
        return added;
    }

    /// <summary>Registers a PNG image to embed as a MultiMedia resource.</summary>
    public OfdImage AddPngImage(ReadOnlyMemory<byte> png)
    {
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (!png.Span.StartsWith(signature))
        {
            throw new ArgumentException("The image is not a PNG file.", nameof(png));
        }

        var added = new OfdImage(NextId(), png.ToArray());
        images.Add(added);
        return added;
    }

    /// <summary>Adds a page at the end of the document.</summary>
    public OfdPageBuilder AddPage()
    {
        var page = new OfdPageBuilder(this, pages.Count, NextId(), NextId());
        pages.Add(page);
        return page;
    }

    /// <summary>Writes the package.</summary>
    public OfdBuiltDocument Build()
    {
        if (pages.Count == 0)
        {
            throw new InvalidOperationException("An OFD document needs at least one page.");
        }

        var ofd = OfdNames.Namespace;
        var files = new List<KeyValuePair<string, ReadOnlyMemory<byte>>>
        {
            new(OfdNames.EntryFile, Serialize(BuildEntryFile())),
        };

        var commonData = new XElement(
            ofd + "CommonData",
            new XElement(ofd + "MaxUnitID", lastId),
            new XElement(ofd + "PageArea", new XElement(ofd + "PhysicalBox", PageArea.ToString())));
        if (fonts.Count > 0)
        {
            commonData.Add(new XElement(ofd + "PublicRes", "PublicRes.xml"));
        }

        if (images.Count > 0)
        {
            commonData.Add(new XElement(ofd + "DocumentRes", "DocumentRes.xml"));
        }

        var document = new XElement(
            ofd + "Document",
            new XAttribute(XNamespace.Xmlns + "ofd", ofd),
            commonData,
            new XElement(ofd + "Pages", pages.Select(p => new XElement(ofd + "Page", new XAttribute("ID", p.Id), new XAttribute("BaseLoc", $"Pages/Page_{p.Index}/Content.xml")))));
        files.Add(new(DocumentFolder + "Document.xml", Serialize(document)));

        var resources = new List<KeyValuePair<string, ReadOnlyMemory<byte>>>();
        if (fonts.Count > 0)
        {
            var fontList = new XElement(ofd + "Fonts");
            foreach (var font in fonts)
            {
                var file = $"font_{font.Id}.ttf";
                fontList.Add(new XElement(
                    ofd + "Font",
                    new XAttribute("ID", font.Id),
                    new XAttribute("FontName", font.Name),
                    new XAttribute("FamilyName", font.Name),
                    new XElement(ofd + "FontFile", file)));
                resources.Add(new(DocumentFolder + "Res/" + file, font.TrueType.Subset(font.UsedCodePoints)));
            }

            files.Add(new(DocumentFolder + "PublicRes.xml", Serialize(Resources(fontList))));
        }

        if (images.Count > 0)
        {
            var media = new XElement(ofd + "MultiMedias");
            foreach (var image in images)
            {
                var file = $"image_{image.Id}.png";
                media.Add(new XElement(
                    ofd + "MultiMedia",
                    new XAttribute("ID", image.Id),
                    new XAttribute("Type", "Image"),
                    new XAttribute("Format", "PNG"),
                    new XElement(ofd + "MediaFile", file)));
                resources.Add(new(DocumentFolder + "Res/" + file, image.Png));
            }

            files.Add(new(DocumentFolder + "DocumentRes.xml", Serialize(Resources(media))));
        }

        var pageInfos = new List<OfdPageInfo>();
        foreach (var page in pages)
        {
            var path = $"{DocumentFolder}Pages/Page_{page.Index}/Content.xml";
            files.Add(new(path, Serialize(page.ToXml())));
            pageInfos.Add(new OfdPageInfo(page.Index, page.Id, path));
        }

        files.AddRange(resources);
        return new OfdBuiltDocument(OfdPackage.Create(files), pageInfos, lastId);
    }

    internal int NextId() => ++lastId;

    /// <summary>UTF-8 without BOM, declaration, no indentation: the exact bytes a signature's digest will cover.</summary>
    internal static byte[] Serialize(XElement root)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false, NewLineHandling = NewLineHandling.None };
        using var output = new MemoryStream();
        using (var writer = XmlWriter.Create(output, settings))
        {
            new XDocument(new XDeclaration("1.0", "UTF-8", null), root).Save(writer);
        }

        return output.ToArray();
    }

    private static XElement Resources(XElement content) =>
        new(OfdNames.Namespace + "Res", new XAttribute(XNamespace.Xmlns + "ofd", OfdNames.Namespace), new XAttribute("BaseLoc", "Res"), content);

    private XElement BuildEntryFile()
    {
        var ofd = OfdNames.Namespace;

        // GB/T 33190 CT_DocInfo: the children in schema order.
        var docInfo = new XElement(ofd + "DocInfo", new XElement(ofd + "DocID", info.DocId.ToLowerInvariant()));
        AddOptional(docInfo, "Title", info.Title);
        AddOptional(docInfo, "Author", info.Author);
        AddOptional(docInfo, "Subject", info.Subject);
        docInfo.Add(new XElement(ofd + "CreationDate", info.CreationDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        AddOptional(docInfo, "Creator", info.Creator);
        AddOptional(docInfo, "CreatorVersion", info.CreatorVersion);
        if (info.CustomData.Count > 0)
        {
            docInfo.Add(new XElement(
                ofd + "CustomDatas",
                info.CustomData.Select(d => new XElement(ofd + "CustomData", new XAttribute("Name", d.Key), d.Value))));
        }

        return new XElement(
            ofd + "OFD",
            new XAttribute(XNamespace.Xmlns + "ofd", ofd),
            new XAttribute("Version", "1.0"),
            new XAttribute("DocType", "OFD"),
            new XElement(ofd + "DocBody", docInfo, new XElement(ofd + "DocRoot", DocumentFolder + "Document.xml")));

        static void AddOptional(XElement parent, string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parent.Add(new XElement(OfdNames.Namespace + name, value));
            }
        }
    }
}

/// <summary>An embedded font of a document under construction.</summary>
public sealed class OfdFont
{
    private readonly SortedSet<int> used = [];

    internal OfdFont(int id, TrueTypeFont font)
    {
        Id = id;
        TrueType = font;
        Name = string.IsNullOrEmpty(font.FamilyName) ? $"Font{id}" : font.FamilyName;
    }

    /// <summary>The resource ID that text objects refer to.</summary>
    public int Id { get; }

    /// <summary>FontName and FamilyName as written.</summary>
    public string Name { get; }

    /// <summary>The font, for measuring text.</summary>
    public TrueTypeFont TrueType { get; }

    internal IEnumerable<int> UsedCodePoints => used;

    internal void Use(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            used.Add(rune.Value);
        }
    }
}

/// <summary>An embedded PNG image of a document under construction.</summary>
public sealed class OfdImage
{
    internal OfdImage(int id, byte[] png) => (Id, Png) = (id, png);

    /// <summary>The resource ID that image objects refer to.</summary>
    public int Id { get; }

    internal byte[] Png { get; }
}

/// <summary>A page as written: where its content is and the ID a StampAnnot's PageRef names.</summary>
/// <param name="Index">0-based position in the document.</param>
/// <param name="Id">The page's ID in Document.xml.</param>
/// <param name="ContentPath">Package path of the page's Content.xml.</param>
public sealed record OfdPageInfo(int Index, int Id, string ContentPath);

/// <summary>The output of <see cref="OfdDocumentBuilder.Build"/>.</summary>
/// <param name="Package">The package, ready for <see cref="OfdPackage.ToBytes"/> or for signing.</param>
/// <param name="Pages">The pages in order.</param>
/// <param name="MaxUnitId">The largest ID used, as written in CommonData/MaxUnitID.</param>
public sealed record OfdBuiltDocument(OfdPackage Package, IReadOnlyList<OfdPageInfo> Pages, int MaxUnitId);
