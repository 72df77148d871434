using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>A payload file's format as told by its bytes.</summary>
internal enum ArchiveFileFormat
{
    Unknown,
    Ofd,
    Pdf,
    Xml,
    Json,
    Pem,
}

/// <summary>Identifies files by their bytes, never by their names, and finds executable or encrypted content.</summary>
internal static class ArchiveFormats
{
    private const uint ZipLocalHeader = 0x04034b50;
    private const uint ZipCentralHeader = 0x02014b50;
    private const uint ZipEndOfCentralDirectory = 0x06054b50;

    /// <summary>The format a file's name declares.</summary>
    public static ArchiveFileFormat FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".ofd" => ArchiveFileFormat.Ofd,
        ".pdf" => ArchiveFileFormat.Pdf,
        ".xml" or ".xsd" => ArchiveFileFormat.Xml,
        ".json" => ArchiveFileFormat.Json,
        ".pem" => ArchiveFileFormat.Pem,
        _ => ArchiveFileFormat.Unknown,
    };

    /// <summary>The metadata's 格式 value for a document format.</summary>
    public static string MetadataName(ArchiveFileFormat format) => format switch
    {
        ArchiveFileFormat.Ofd => "OFD",
        ArchiveFileFormat.Pdf => "PDF",
        _ => format.ToString().ToUpperInvariant(),
    };

    /// <summary>A format as a check's reason names it.</summary>
    public static string Describe(ArchiveFileFormat format) => format switch
    {
        ArchiveFileFormat.Ofd => "OFD",
        ArchiveFileFormat.Pdf => "PDF",
        ArchiveFileFormat.Xml => "XML",
        ArchiveFileFormat.Json => "JSON",
        ArchiveFileFormat.Pem => "a PEM certificate",
        _ => "of no recognised format",
    };

    /// <summary>Identifies <paramref name="bytes"/> as one of the formats a package holds, or Unknown.</summary>
    public static ArchiveFileFormat Identify(ReadOnlyMemory<byte> bytes, ArchiveFileFormat expected)
    {
        var span = bytes.Span;
        // GB/T 33190 §7: an OFD is a ZIP package whose root holds the entry file OFD.xml.
        if (span.StartsWith("PK\x03\x04"u8))
        {
            return IsOfd(bytes) ? ArchiveFileFormat.Ofd : ArchiveFileFormat.Unknown;
        }

        // ISO 32000-1 §7.5.2 and §7.5.5: a PDF starts with "%PDF-" and its last trailer ends with "%%EOF".
        if (span.StartsWith("%PDF-"u8))
        {
            return HasPdfTrailer(span) ? ArchiveFileFormat.Pdf : ArchiveFileFormat.Unknown;
        }

        // Text formats: try the one the name declares first, then the others, so a renamed file is still named correctly.
        ArchiveFileFormat[] order = [expected, ArchiveFileFormat.Pem, ArchiveFileFormat.Json, ArchiveFileFormat.Xml];
        foreach (var candidate in order.Distinct())
        {
            var matches = candidate switch
            {
                ArchiveFileFormat.Xml => ParsesAsXml(bytes),
                ArchiveFileFormat.Json => ParsesAsJson(bytes),
                ArchiveFileFormat.Pem => ParsesAsPem(span),
                _ => false,
            };
            if (matches)
            {
                return candidate;
            }
        }

        return ArchiveFileFormat.Unknown;
    }

    /// <summary>Whether <paramref name="bytes"/> is well-formed XML (no DTD, no external entities).</summary>
    public static bool ParsesAsXml(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes.ToArray(), writable: false), SafeXml());
            while (reader.Read())
            {
            }

            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    /// <summary>Reader settings that refuse DTDs and never resolve anything outside the document.</summary>
    public static XmlReaderSettings SafeXml() => new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    private static bool ParsesAsJson(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool ParsesAsPem(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.StartsWith("-----BEGIN CERTIFICATE-----"u8))
        {
            return false;
        }

        try
        {
            using var certificate = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(bytes));
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool IsOfd(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes.ToArray(), writable: false), ZipArchiveMode.Read);
            return zip.Entries.Any(e => e.FullName == "OFD.xml");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    private static bool HasPdfTrailer(ReadOnlySpan<byte> bytes)
    {
        // Readers look for %%EOF within the last 1024 bytes (trailing whitespace and line ends are common).
        var tail = bytes[Math.Max(0, bytes.Length - 1024)..];
        return tail.LastIndexOf("%%EOF"u8) >= 0;
    }

    /// <summary>Whether a PDF is encrypted: a trailer (or cross-reference stream) dictionary carries an /Encrypt entry.</summary>
    /// <remarks>ISO 32000-1 §7.5.5 and §7.6.1: an encrypted document's trailer has /Encrypt; the key is searched as a whole name, so /EncryptMetadata does not count.</remarks>
    public static bool IsEncryptedPdf(ReadOnlySpan<byte> bytes)
    {
        var from = 0;
        while (true)
        {
            var at = bytes[from..].IndexOf("/Encrypt"u8);
            if (at < 0)
            {
                return false;
            }

            var end = from + at + "/Encrypt".Length;
            if (end >= bytes.Length || !IsNameCharacter(bytes[end]))
            {
                return true;
            }

            from = end;
        }

        // ISO 32000-1 §7.2.2: white-space and delimiter characters end a name.
        static bool IsNameCharacter(byte b) => b > 0x20 && b < 0x7F && "()<>[]{}/%"u8.IndexOf(b) < 0;
    }

    /// <summary>The names of ZIP entries flagged encrypted (general purpose bit 0) in the central directory, or null when the directory cannot be read.</summary>
    /// <remarks>PKWARE APPNOTE 4.3.12 (central directory header) and 4.4.4 (bit 0: the entry is encrypted).</remarks>
    public static IReadOnlyList<string>? EncryptedZipEntries(ReadOnlySpan<byte> bytes)
    {
        var end = -1;
        for (var at = bytes.Length - 22; at >= Math.Max(0, bytes.Length - 22 - 0xFFFF); at--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]) == ZipEndOfCentralDirectory)
            {
                end = at;
                break;
            }
        }

        if (end < 0)
        {
            return null;
        }

        var count = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(end + 10)..]);
        var offset = (long)BinaryPrimitives.ReadUInt32LittleEndian(bytes[(end + 16)..]);
        var encrypted = new List<string>();
        for (var i = 0; i < count; i++)
        {
            if (offset < 0 || offset + 46 > bytes.Length || BinaryPrimitives.ReadUInt32LittleEndian(bytes[(int)offset..]) != ZipCentralHeader)
            {
                return null;
            }

            var header = bytes[(int)offset..];
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[30..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header[32..]);
            if (46 + nameLength > header.Length)
            {
                return null;
            }

            if ((flags & 1) != 0)
            {
                encrypted.Add(Encoding.UTF8.GetString(header.Slice(46, nameLength)));
            }

            offset += 46 + nameLength + extraLength + commentLength;
        }

        return encrypted;
    }

    /// <summary>The kind of executable <paramref name="bytes"/> start like, or null when none.</summary>
    public static string? ExecutableKind(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0x7F, 0x45, 0x4C, 0x46]) ? "an ELF executable"
        : bytes.StartsWith("MZ"u8) ? "a Windows (PE/MZ) executable"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xED, 0xFA, 0xCE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xED, 0xFA, 0xCF])
            || bytes.StartsWith((ReadOnlySpan<byte>)[0xCE, 0xFA, 0xED, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xCF, 0xFA, 0xED, 0xFE]) ? "a Mach-O executable"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xCA, 0xFE, 0xBA, 0xBE]) ? "a Mach-O universal binary or Java class"
        : bytes.StartsWith("#!"u8) ? "a script with a #! interpreter line"
        : null;

    /// <summary>Whether the bytes start like a ZIP local file header (for scanning OFD entries).</summary>
    public static bool IsZip(ReadOnlySpan<byte> bytes) => bytes.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(bytes) == ZipLocalHeader;
}
