using System.Buffers.Binary;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Xml;
using System.Xml.Linq;

namespace ElectronicLicense.Seals.Ofd;

/// <summary>An OFD package (GB/T 33190 §7.2: a ZIP of XML and resource files), read safely from untrusted bytes or built in memory.</summary>
/// <remarks>
/// Entries are named by normalised paths without a leading slash ("Doc_0/Document.xml"), in ZIP order. Folder entries of the ZIP
/// ("Doc_0/Pages/") are checked but not listed. An instance is immutable: <see cref="WithEntries"/> returns a new package.
/// </remarks>
public sealed class OfdPackage
{
    /// <summary>The fixed modification time written for every entry, so the same content always gives the same bytes.</summary>
    public static readonly DateTimeOffset EntryTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int EndOfCentralDirectorySignature = 0x06054B50;
    private readonly OrderedDictionary<string, ReadOnlyMemory<byte>> entries;
    private readonly OfdReadLimits limits;

    private OfdPackage(OrderedDictionary<string, ReadOnlyMemory<byte>> entries, OfdReadLimits limits)
    {
        this.entries = entries;
        this.limits = limits;
        Entries = new ReadOnlyDictionary<string, ReadOnlyMemory<byte>>(entries);
    }

    /// <summary>Every file of the package by normalised path, in package order.</summary>
    public IReadOnlyDictionary<string, ReadOnlyMemory<byte>> Entries { get; }

    /// <summary>The entry names in package order.</summary>
    public IEnumerable<string> Names => entries.Keys;

    /// <summary>Builds a package from files given in the order they are to be written.</summary>
    /// <exception cref="ArgumentException">A name is unsafe (absolute, "..", backslash, …) or given twice (also ignoring case).</exception>
    public static OfdPackage Create(IEnumerable<KeyValuePair<string, ReadOnlyMemory<byte>>> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return Empty().WithEntries(files);
    }

    /// <summary>Reads a package from a stream (read to its end, at most <see cref="OfdReadLimits.MaxPackageBytes"/>).</summary>
    /// <returns>False with a reason in <paramref name="error"/> when the bytes are not an acceptable OFD package; never throws for bad content.</returns>
    public static bool TryOpen(Stream stream, OfdReadLimits limits, [NotNullWhen(true)] out OfdPackage? package, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(limits);
        package = null;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                if (buffer.Length + read > limits.MaxPackageBytes)
                {
                    error = $"The package is larger than the limit of {limits.MaxPackageBytes} bytes.";
                    return false;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (IOException)
        {
            error = "The package could not be read from the stream.";
            return false;
        }

        return TryOpen(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), limits, out package, out error);
    }

    /// <summary>Reads a package from its bytes.</summary>
    /// <returns>False with a reason in <paramref name="error"/> when the bytes are not an acceptable OFD package; never throws for bad content.</returns>
    public static bool TryOpen(ReadOnlyMemory<byte> bytes, OfdReadLimits limits, [NotNullWhen(true)] out OfdPackage? package, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(limits);
        package = null;
        if (bytes.Length > limits.MaxPackageBytes)
        {
            error = $"The package is larger than the limit of {limits.MaxPackageBytes} bytes.";
            return false;
        }

        if (!CheckEndOfCentralDirectory(bytes.Span, limits, out error))
        {
            return false;
        }

        using var stream = MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            return TryReadEntries(zip, limits, out package, out error);
        }
        catch (InvalidDataException)
        {
            error = "The ZIP structure is damaged (unreadable central directory or entry header).";
            return false;
        }
        catch (IOException)
        {
            error = "The ZIP structure is damaged (an entry lies outside the file).";
            return false;
        }
        catch (ArgumentException)
        {
            error = "The ZIP structure is damaged (invalid entry record).";
            return false;
        }
        catch (NotSupportedException)
        {
            error = "The ZIP uses a feature OFD packages do not (split or spanned archive, unknown compression).";
            return false;
        }
    }

    /// <summary>Whether the package has an entry at a normalised path.</summary>
    public bool Contains(string path) => entries.ContainsKey(path);

    /// <summary>The bytes of an entry.</summary>
    public bool TryGetEntry(string path, out ReadOnlyMemory<byte> bytes) => entries.TryGetValue(path, out bytes);

    /// <summary>The bytes of an entry, or <see cref="OfdFormatException"/> naming the missing file.</summary>
    public ReadOnlyMemory<byte> GetEntry(string path) => entries.TryGetValue(path, out var bytes)
        ? bytes
        : throw new OfdFormatException($"The package has no file '/{path}'.");

    /// <summary>Parses an XML entry without DTDs, external resources or entity expansion, within <see cref="OfdReadLimits.MaxXmlCharacters"/>.</summary>
    /// <returns>False with a reason when the entry is missing or not acceptable XML; never throws for bad content.</returns>
    public bool TryLoadXml(string path, [NotNullWhen(true)] out XDocument? document, [NotNullWhen(false)] out string? error)
    {
        document = null;
        if (!entries.TryGetValue(path, out var bytes))
        {
            error = $"The package has no file '/{path}'.";
            return false;
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = limits.MaxXmlCharacters,
            MaxCharactersFromEntities = 1024,
            CloseInput = true,
        };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes.ToArray(), writable: false), settings);
            document = XDocument.Load(reader, LoadOptions.None);
            error = null;
            return true;
        }
        catch (XmlException e)
        {
            error = $"'/{path}' is not acceptable XML (line {e.LineNumber}, position {e.LinePosition}): DTDs and entities are refused, the document must be well-formed and at most {limits.MaxXmlCharacters} characters.";
            return false;
        }
    }

    /// <summary>Parses an XML entry like <see cref="TryLoadXml"/>, throwing <see cref="OfdFormatException"/> with the reason.</summary>
    public XDocument LoadXml(string path) => TryLoadXml(path, out var document, out var error)
        ? document
        : throw new OfdFormatException(error);

    /// <summary>A new package with <paramref name="files"/> added; a file already present is replaced in place, new files are appended in the order given.</summary>
    /// <exception cref="ArgumentException">A name is unsafe or collides, ignoring case, with a different existing name.</exception>
    public OfdPackage WithEntries(IEnumerable<KeyValuePair<string, ReadOnlyMemory<byte>>> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var copy = new OrderedDictionary<string, ReadOnlyMemory<byte>>(entries, StringComparer.Ordinal);
        var folded = new HashSet<string>(copy.Keys, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, bytes) in files)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(files));
            if (!OfdPath.IsSafeEntryName(name, out var why) || name.EndsWith('/'))
            {
                throw new ArgumentException($"'{name}' cannot name a package file: it has {why ?? "a trailing '/'"}.", nameof(files));
            }

            if (!copy.ContainsKey(name) && !folded.Add(name))
            {
                throw new ArgumentException($"'{name}' differs only in case from a file already in the package.", nameof(files));
            }

            copy[name] = bytes.ToArray();
        }

        return new OfdPackage(copy, limits);
    }

    /// <summary>A new package with one file added or replaced.</summary>
    public OfdPackage WithEntry(string path, ReadOnlyMemory<byte> bytes) => WithEntries([new(path, bytes)]);

    /// <summary>Seals, signatures and pictures are already dense: storing them as they are saves time and no space.</summary>
    private static CompressionLevel LevelFor(string name) =>
        name.EndsWith(".esl", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".dat", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)
            ? CompressionLevel.NoCompression
            : CompressionLevel.Fastest;

    /// <summary>Writes the package as a ZIP: entries in package order, Deflate, fixed timestamps, so equal content gives equal bytes.</summary>
    public byte[] ToBytes()
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                var entry = zip.CreateEntry(name, LevelFor(name));
                entry.LastWriteTime = EntryTimestamp;
                using var stream = entry.Open();
                stream.Write(bytes.Span);
            }
        }

        return output.ToArray();
    }

    private static OfdPackage Empty() => new(new OrderedDictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal), OfdReadLimits.Default);

    /// <summary>Refuses before any allocation a file whose end-of-central-directory record is missing or announces too many entries.</summary>
    private static bool CheckEndOfCentralDirectory(ReadOnlySpan<byte> bytes, OfdReadLimits limits, [NotNullWhen(false)] out string? error)
    {
        // APPNOTE 4.3.16: the record is 22 bytes plus a comment of at most 65,535 bytes, at the very end of the file.
        var earliest = Math.Max(0, bytes.Length - 22 - 0xFFFF);
        for (var at = bytes.Length - 22; at >= earliest; at--)
        {
            if (BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]) != EndOfCentralDirectorySignature)
            {
                continue;
            }

            var total = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(at + 10)..]);
            if (total != 0xFFFF && total > limits.MaxEntries)
            {
                error = $"The package has {total} entries; at most {limits.MaxEntries} are accepted.";
                return false;
            }

            error = null;
            return true;
        }

        error = "The file is not a ZIP package (no end-of-central-directory record); an OFD file is a ZIP archive.";
        return false;
    }

    private static bool TryReadEntries(ZipArchive zip, OfdReadLimits limits, [NotNullWhen(true)] out OfdPackage? package, [NotNullWhen(false)] out string? error)
    {
        package = null;
        if (zip.Entries.Count > limits.MaxEntries)
        {
            error = $"The package has {zip.Entries.Count} entries; at most {limits.MaxEntries} are accepted.";
            return false;
        }

        var files = new OrderedDictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var folded = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long total = 0;
        var chunk = new byte[81920];
        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName;
            if (!OfdPath.IsSafeEntryName(name, out var why))
            {
                error = $"Entry '{Printable(name)}' is refused: it has {why}.";
                return false;
            }

            if (!seen.Add(name))
            {
                error = $"Entry '{name}' appears twice.";
                return false;
            }

            if (!folded.Add(name))
            {
                error = $"Entry '{name}' differs only in case from another entry.";
                return false;
            }

            if (entry.IsEncrypted)
            {
                error = $"Entry '{name}' is encrypted; OFD packages are not.";
                return false;
            }

            if (name.EndsWith('/'))
            {
                if (entry.Length != 0)
                {
                    error = $"Folder entry '{name}' has content.";
                    return false;
                }

                continue;
            }

            if (!TryInflate(entry, limits, limits.MaxTotalUncompressedBytes - total, chunk, out var content, out error))
            {
                return false;
            }

            total += content.Length;
            files.Add(name, content);
        }

        package = new OfdPackage(files, limits);
        error = null;
        return true;
    }

    private static bool TryInflate(ZipArchiveEntry entry, OfdReadLimits limits, long remainingTotal, byte[] chunk, out byte[] content, [NotNullWhen(false)] out string? error)
    {
        content = [];

        // The sizes in the headers are the attacker's word: count what actually comes out of the decompressor.
        var ratioCap = Math.Max(limits.CompressionRatioGraceBytes, entry.CompressedLength * limits.MaxCompressionRatio);
        var cap = Math.Min(Math.Min(limits.MaxEntryBytes, remainingTotal), ratioCap);
        using var output = new MemoryStream((int)Math.Clamp(entry.Length, 0, Math.Min(cap, 1024 * 1024)));
        try
        {
            using var stream = entry.Open();
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                if (output.Length + read > cap)
                {
                    error = cap == ratioCap
                        ? $"Entry '{entry.FullName}' inflates more than {limits.MaxCompressionRatio} times its compressed size (a ZIP bomb?)."
                        : cap == limits.MaxEntryBytes
                            ? $"Entry '{entry.FullName}' is larger than the limit of {limits.MaxEntryBytes} bytes."
                            : $"The package inflates to more than the limit of {limits.MaxTotalUncompressedBytes} bytes.";
                    return false;
                }

                output.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            error = $"Entry '{entry.FullName}' is damaged (bad compressed data or checksum).";
            return false;
        }
        catch (NotSupportedException)
        {
            error = $"Entry '{entry.FullName}' uses a compression method other than Stored or Deflate.";
            return false;
        }

        if (output.Length != entry.Length)
        {
            error = $"Entry '{entry.FullName}' declares {entry.Length} bytes but inflates to {output.Length}.";
            return false;
        }

        // The stream was sized to the declared length (checked above), so its buffer is usually the content exactly; a second
        // copy of each large entry would go to the large object heap.
        content = output.Capacity == output.Length ? output.GetBuffer() : output.ToArray();
        if (ZipCrc32.Compute(content) != entry.Crc32)
        {
            error = $"Entry '{entry.FullName}' is damaged: its CRC-32 does not match its content (or its declared size is wrong).";
            content = [];
            return false;
        }

        error = null;
        return true;
    }

    private static string Printable(string name) =>
        new([.. name.Take(100).Select(c => char.IsControl(c) ? '?' : c)]);
}
