using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>One document of the package as the metadata's file catalogue (文件目录) records it.</summary>
/// <param name="Path">Bag-relative path, <c>data/documents/…</c>.</param>
/// <param name="Format">OFD or PDF.</param>
/// <param name="Origin">签发 (issued and signed by the registry) or 推送 (a historical file pushed by the issuer).</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256.</param>
/// <param name="Sm3">Lower-case hex SM3.</param>
/// <param name="Signers">The signing departments' codes in order, comma-separated; null for an unsigned pushed file.</param>
internal sealed record ArchivedFile(string Path, string Format, string Origin, long Length, string Sha256, string Sm3, string? Signers);

/// <summary>The archival metadata of one license version (<c>data/metadata/license.xml</c>), with the national element names.</summary>
internal sealed record ArchiveMetadata
{
    public const string Issued = "签发";
    public const string Pushed = "推送";
    public const string LongTermMark = "是";

    public static readonly XNamespace Namespace = "urn:elic:archive:1";

    /// <summary>The root element's name.</summary>
    public const string Root = "电子证照档案";

    /// <summary>Every element that must be present and non-empty, as a path below the root; a '|' separates alternatives.</summary>
    public static IReadOnlyList<string> RequiredElements { get; } =
    [
        "证照名称", "证照标识", "证照编号", "证照类型代码", "颁发机构", "颁发机构代码", "颁发日期", "持证主体", "持证主体代码", "持证主体代码类型",
        "有效期/起始日期", "有效期/截止日期|有效期/长期", "版本", "状态", "保管期限", "档号", "归档日期", "照面", "文件目录/文件",
    ];

    /// <summary>The elements each 文件 of the catalogue must carry, non-empty.</summary>
    public static IReadOnlyList<string> RequiredFileElements { get; } = ["文件名", "格式", "来源", "大小", "SHA-256", "SM3"];

    public required string Name { get; init; }
    public required string LicenseId { get; init; }
    public required string Number { get; init; }
    public required string TypeCode { get; init; }
    public required string Issuer { get; init; }
    public required string IssuerCode { get; init; }
    public required string IssueDate { get; init; }
    public required string Holder { get; init; }
    public required string HolderCode { get; init; }
    public required string HolderCodeType { get; init; }
    public required string ValidFrom { get; init; }

    /// <summary>有效期截止日期, or null for 长期.</summary>
    public required string? ValidUntil { get; init; }
    public required int Version { get; init; }
    public required string Status { get; init; }
    public required string Retention { get; init; }
    public required string ArchivalCode { get; init; }
    public required string ArchivedOn { get; init; }
    public string? CaseNumber { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Face { get; init; }
    public required IReadOnlyList<ArchivedFile> Files { get; init; }

    /// <summary>The XML document, UTF-8, indented.</summary>
    public byte[] ToXml()
    {
        var ns = Namespace;
        var root = new XElement(ns + Root,
            new XAttribute("格式版本", "1"),
            new XElement(ns + "证照名称", Name),
            new XElement(ns + "证照标识", LicenseId),
            new XElement(ns + "证照编号", Number),
            new XElement(ns + "证照类型代码", TypeCode),
            new XElement(ns + "颁发机构", Issuer),
            new XElement(ns + "颁发机构代码", IssuerCode),
            new XElement(ns + "颁发日期", IssueDate),
            new XElement(ns + "持证主体", Holder),
            new XElement(ns + "持证主体代码", HolderCode),
            new XElement(ns + "持证主体代码类型", HolderCodeType),
            new XElement(ns + "有效期",
                new XElement(ns + "起始日期", ValidFrom),
                ValidUntil is null ? new XElement(ns + "长期", LongTermMark) : new XElement(ns + "截止日期", ValidUntil)),
            new XElement(ns + "版本", Version.ToString(CultureInfo.InvariantCulture)),
            new XElement(ns + "状态", Status),
            new XElement(ns + "保管期限", Retention),
            new XElement(ns + "档号", ArchivalCode),
            new XElement(ns + "归档日期", ArchivedOn),
            CaseNumber is null ? null : new XElement(ns + "归档案件号", CaseNumber),
            new XElement(ns + "照面", Face.Select(f => new XElement(ns + "字段", new XAttribute("名称", f.Key), f.Value))),
            new XElement(ns + "文件目录", Files.Select(f => new XElement(ns + "文件",
                new XElement(ns + "文件名", f.Path),
                new XElement(ns + "格式", f.Format),
                new XElement(ns + "来源", f.Origin),
                new XElement(ns + "大小", f.Length.ToString(CultureInfo.InvariantCulture)),
                new XElement(ns + "SHA-256", f.Sha256),
                new XElement(ns + "SM3", f.Sm3),
                f.Signers is null ? null : new XElement(ns + "签章方", f.Signers)))));
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, NewLineChars = "\n" }))
        {
            new XDocument(new XDeclaration("1.0", "UTF-8", null), root).Save(writer);
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>The shipped XSD's bytes (an embedded resource).</summary>
    public static byte[] SchemaBytes()
    {
        using var stream = typeof(ArchiveMetadata).Assembly.GetManifestResourceStream("ElectronicLicense.Licenses.Archiving.license-archive.xsd")
            ?? throw new InvalidOperationException("The archive metadata schema is not embedded in the Core assembly.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>The text of the element at <paramref name="path"/> (slash-separated, below <paramref name="root"/>), or null when absent.</summary>
    public static XElement? Find(XElement root, string path)
    {
        var current = root;
        foreach (var step in path.Split('/'))
        {
            current = current.Element(Namespace + step);
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>The file catalogue as recorded, skipping entries without a 文件名.</summary>
    public static IReadOnlyList<ArchivedFile> ReadCatalogue(XElement root) =>
        (Find(root, "文件目录")?.Elements(Namespace + "文件") ?? [])
        .Select(f => new ArchivedFile(
            Text(f, "文件名") ?? string.Empty,
            Text(f, "格式") ?? string.Empty,
            Text(f, "来源") ?? string.Empty,
            long.TryParse(Text(f, "大小"), NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : -1,
            Text(f, "SHA-256") ?? string.Empty,
            Text(f, "SM3") ?? string.Empty,
            Text(f, "签章方")))
        .Where(f => f.Path.Length > 0)
        .ToList();

    private static string? Text(XElement parent, string name) => parent.Element(Namespace + name)?.Value.Trim();
}
