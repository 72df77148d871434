using System.IO.Compression;

namespace ElectronicLicense.Seals.Pdf;

/// <summary>Where the cross-reference says an object lives (ISO 32000-1 §7.5.4 and §7.5.8.3).</summary>
/// <param name="Type">0 free, 1 at a file offset, 2 inside an object stream.</param>
/// <param name="Field2">The file offset (type 1) or the object stream's number (type 2).</param>
/// <param name="Field3">The generation (type 1) or the index inside the object stream (type 2).</param>
internal readonly record struct XrefEntry(int Type, long Field2, int Field3);

/// <summary>
/// One revision of a PDF file: its merged cross-reference, trailer and objects, read lazily.
/// Only what signing and verification need: no fonts, no content streams, no repair of broken files.
/// </summary>
internal sealed class PdfFile
{
    private const int MaxXrefSections = 4096;
    private const int MaxDecodedStream = 256 << 20;
    private const int MaxResolveDepth = 32;

    private readonly Dictionary<int, XrefEntry> xref = [];
    private readonly Dictionary<int, PdfObject?> cache = [];
    private readonly Dictionary<int, string> failures = [];
    private readonly Dictionary<int, (byte[] Data, int[] Numbers, int[] Offsets)> objectStreams = [];

    private PdfFile(ReadOnlyMemory<byte> data)
    {
        Data = data;
    }

    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The trailer of the newest cross-reference section (for an xref stream, its dictionary).</summary>
    public PdfDictionary Trailer { get; private set; } = new();

    /// <summary>Offset of the newest cross-reference section.</summary>
    public long StartXref { get; private set; }

    /// <summary>True when the newest cross-reference section is a stream (PDF 1.5), so an update must write one too.</summary>
    public bool UsesXrefStream { get; private set; }

    public IReadOnlyDictionary<int, XrefEntry> Xref => xref;

    /// <summary>Reads the revision whose startxref is the last one in <paramref name="data"/>.</summary>
    /// <exception cref="PdfFormatException">The file is not a readable PDF.</exception>
    public static PdfFile Open(ReadOnlyMemory<byte> data)
    {
        var file = new PdfFile(data);
        file.ReadCrossReferences();
        return file;
    }

    public PdfReference Root => Trailer["Root"] as PdfReference ?? throw new PdfFormatException("the trailer has no /Root reference");

    public PdfDictionary Catalog => Resolve(Root) as PdfDictionary ?? throw new PdfFormatException("the document catalog is not a dictionary");

    public int Size => Trailer["Size"] is PdfNumber { IsInteger: true } n && n.Integer is > 0 and < int.MaxValue
        ? (int)Math.Max(n.Integer, xref.Count == 0 ? 0 : xref.Keys.Max() + 1)
        : throw new PdfFormatException("the trailer has no valid /Size");

    private void ReadCrossReferences()
    {
        var span = Data.Span;
        var tail = Math.Max(0, span.Length - 2048);
        var index = span[tail..].LastIndexOf("startxref"u8);
        if (index < 0)
        {
            throw new PdfFormatException("no startxref near the end of the file");
        }

        var parser = new PdfParser(Data, true) { Position = tail + index + "startxref".Length };
        StartXref = parser.ReadInteger();
        var offset = StartXref;
        var visited = new HashSet<long>();
        var first = true;
        while (offset >= 0)
        {
            if (!visited.Add(offset) || visited.Count > MaxXrefSections)
            {
                throw new PdfFormatException("the /Prev chain of cross-reference sections loops");
            }

            if (offset >= span.Length)
            {
                throw new PdfFormatException($"a cross-reference section is said to start at byte {offset}, beyond the end of the file");
            }

            parser.Position = (int)offset;
            PdfDictionary trailer;
            if (parser.TryKeyword("xref"))
            {
                trailer = ReadXrefTable(parser);
                if (trailer["XRefStm"] is PdfNumber { IsInteger: true } hybrid && hybrid.Integer >= 0 && hybrid.Integer < span.Length && visited.Add(hybrid.Integer))
                {
                    // ISO 32000-1 §7.5.8.4: a hybrid file's table entries win over its stream's.
                    parser.Position = (int)hybrid.Integer;
                    ReadXrefStream(parser);
                }
            }
            else
            {
                trailer = ReadXrefStream(parser);
                if (first)
                {
                    UsesXrefStream = true;
                }
            }

            if (first)
            {
                Trailer = trailer;
                first = false;
            }

            offset = trailer["Prev"] is PdfNumber { IsInteger: true } prev ? prev.Integer : -1;
        }
    }

    private PdfDictionary ReadXrefTable(PdfParser parser)
    {
        while (true)
        {
            if (parser.TryKeyword("trailer"))
            {
                return parser.ReadObject() as PdfDictionary ?? throw new PdfFormatException("the trailer is not a dictionary");
            }

            var start = parser.ReadInteger();
            var count = parser.ReadInteger();
            if (start < 0 || count < 0 || start + count > int.MaxValue || count > parser.Length / 18)
            {
                throw new PdfFormatException("a cross-reference subsection has an impossible range");
            }

            for (var i = 0; i < count; i++)
            {
                var field2 = parser.ReadInteger();
                var field3 = parser.ReadInteger();
                var kind = parser.ReadToken();
                if (kind is not ("n" or "f"))
                {
                    throw new PdfFormatException("a cross-reference entry is neither 'n' nor 'f'");
                }

                xref.TryAdd((int)(start + i), new XrefEntry(kind == "n" ? 1 : 0, field2, (int)field3));
            }
        }
    }

    private PdfDictionary ReadXrefStream(PdfParser parser)
    {
        var (_, _, value) = parser.ReadIndirectObject(_ => null);
        if (value is not PdfStream stream || stream.Dictionary.NameOf("Type") != "XRef")
        {
            throw new PdfFormatException("startxref points neither at an xref table nor at an xref stream");
        }

        var dictionary = stream.Dictionary;
        var data = Decode(stream);
        if (dictionary["W"] is not PdfArray { Items.Count: 3 } w || w.Items.Any(i => i is not PdfNumber { IsInteger: true, Integer: >= 0 and <= 8 }))
        {
            throw new PdfFormatException("the xref stream has no valid /W");
        }

        var widths = w.Items.Select(i => (int)((PdfNumber)i).Integer).ToArray();
        var entryLength = widths.Sum();
        var size = dictionary["Size"] is PdfNumber { IsInteger: true } s ? s.Integer : 0;
        var ranges = dictionary["Index"] is PdfArray index
            ? index.Items.Select(i => i is PdfNumber { IsInteger: true } n ? n.Integer : -1).ToList()
            : [0L, size];
        if (entryLength == 0 || ranges.Count % 2 != 0 || ranges.Any(r => r < 0 || r > int.MaxValue))
        {
            throw new PdfFormatException("the xref stream has an invalid /Index or /W");
        }

        var position = 0;
        for (var r = 0; r < ranges.Count; r += 2)
        {
            for (long i = 0; i < ranges[r + 1]; i++)
            {
                if (position + entryLength > data.Length)
                {
                    throw new PdfFormatException("the xref stream is shorter than its /Index says");
                }

                var type = widths[0] == 0 ? 1 : ReadField(data, position, widths[0]);
                var field2 = ReadField(data, position + widths[0], widths[1]);
                var field3 = ReadField(data, position + widths[0] + widths[1], widths[2]);
                position += entryLength;
                if (ranges[r] + i <= int.MaxValue && type is 0 or 1 or 2)
                {
                    xref.TryAdd((int)(ranges[r] + i), new XrefEntry((int)type, field2, (int)Math.Min(field3, int.MaxValue)));
                }
            }
        }

        return dictionary;
    }

    private static long ReadField(byte[] data, int position, int width)
    {
        long value = 0;
        for (var i = 0; i < width; i++)
        {
            value = (value << 8) | data[position + i];
        }

        return value;
    }

    /// <summary>Follows references to the object itself; null for free, missing or broken objects.</summary>
    public PdfObject? Resolve(PdfObject? value)
    {
        for (var depth = 0; value is PdfReference reference; depth++)
        {
            if (depth > MaxResolveDepth)
            {
                return null;
            }

            value = GetObject(reference.Number);
        }

        return value;
    }

    public PdfDictionary? ResolveDictionary(PdfObject? value) => Resolve(value) switch
    {
        PdfDictionary d => d,
        PdfStream s => s.Dictionary,
        _ => null,
    };

    /// <summary>The object numbered <paramref name="number"/> in this revision; null when free or unreadable.</summary>
    public PdfObject? GetObject(int number) => TryGetObject(number, out var value, out _) ? value : null;

    /// <summary>Reads an object; false with the reason when it exists but cannot be read.</summary>
    public bool TryGetObject(int number, out PdfObject? value, out string? error)
    {
        if (failures.TryGetValue(number, out error))
        {
            value = null;
            return false;
        }

        if (cache.TryGetValue(number, out value))
        {
            return true;
        }

        // Guards recursion through /Length references: an object whose length depends on itself fails.
        failures[number] = $"object {number} refers to itself while being read";
        try
        {
            value = Load(number);
            cache[number] = value;
            failures.Remove(number);
            return true;
        }
        catch (PdfFormatException e)
        {
            error = failures[number] = e.Message;
            value = null;
            return false;
        }
    }

    private PdfObject? Load(int number)
    {
        if (!xref.TryGetValue(number, out var entry) || entry.Type == 0)
        {
            return null;
        }

        if (entry.Type == 1)
        {
            if (entry.Field2 < 0 || entry.Field2 >= Data.Length)
            {
                throw new PdfFormatException($"object {number} is said to start at byte {entry.Field2}, outside the file");
            }

            var parser = new PdfParser(Data, true) { Position = (int)entry.Field2 };
            var (found, _, value) = parser.ReadIndirectObject(r => Resolve(r) is PdfNumber { IsInteger: true } n ? n.Integer : null);
            if (found != number)
            {
                throw new PdfFormatException($"the cross-reference points object {number} at object {found}");
            }

            return value;
        }

        var (data, numbers, offsets) = ObjectStream((int)entry.Field2);
        var index = entry.Field3;
        if (index < 0 || index >= numbers.Length || numbers[index] != number)
        {
            index = Array.IndexOf(numbers, number);
        }

        if (index < 0)
        {
            throw new PdfFormatException($"object {number} is not in object stream {entry.Field2}");
        }

        var objectParser = new PdfParser(data, false) { Position = offsets[index] };
        return objectParser.ReadObject();
    }

    private (byte[] Data, int[] Numbers, int[] Offsets) ObjectStream(int number)
    {
        if (objectStreams.TryGetValue(number, out var cached))
        {
            return cached;
        }

        if (!xref.TryGetValue(number, out var entry) || entry.Type != 1 || GetObject(number) is not PdfStream stream || stream.Dictionary.NameOf("Type") != "ObjStm")
        {
            throw new PdfFormatException($"object stream {number} is missing");
        }

        var data = Decode(stream);
        var count = stream.Dictionary["N"] is PdfNumber { IsInteger: true, Integer: >= 0 } n ? n.Integer : -1;
        var first = stream.Dictionary["First"] is PdfNumber { IsInteger: true, Integer: >= 0 } f ? f.Integer : -1;
        if (count < 0 || first < 0 || first > data.Length || count > data.Length)
        {
            throw new PdfFormatException($"object stream {number} has an invalid /N or /First");
        }

        var parser = new PdfParser(data, false);
        var numbers = new int[count];
        var offsets = new int[count];
        for (var i = 0; i < count; i++)
        {
            var objectNumber = parser.ReadInteger();
            var offset = parser.ReadInteger();
            if (objectNumber is < 0 or > int.MaxValue || offset < 0 || first + offset >= data.Length)
            {
                throw new PdfFormatException($"object stream {number} has an invalid header");
            }

            numbers[i] = (int)objectNumber;
            offsets[i] = (int)(first + offset);
        }

        return objectStreams[number] = (data, numbers, offsets);
    }

    /// <summary>Applies a stream's filters; only FlateDecode (with PNG or TIFF predictors) is needed for xref and object streams.</summary>
    public static byte[] Decode(PdfStream stream)
    {
        var filter = stream.Dictionary["Filter"];
        var names = filter switch
        {
            null => [],
            PdfName n => [n.Value],
            PdfArray a => a.Items.Select(i => (i as PdfName)?.Value ?? "?").ToList(),
            _ => new List<string> { "?" },
        };
        if (names.Count == 0)
        {
            return stream.Data.ToArray();
        }

        if (names.Count != 1 || names[0] is not ("FlateDecode" or "Fl"))
        {
            throw new PdfFormatException($"stream filter {string.Join(",", names)} is not supported here");
        }

        byte[] inflated;
        try
        {
            using var input = new ZLibStream(new MemoryStream(stream.Data.ToArray()), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = input.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, read);
                if (output.Length > MaxDecodedStream)
                {
                    throw new PdfFormatException("a stream inflates beyond the size limit");
                }
            }

            inflated = output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new PdfFormatException("a Flate stream is corrupt", e);
        }

        var parms = stream.Dictionary["DecodeParms"] switch
        {
            PdfDictionary d => d,
            PdfArray { Items.Count: > 0 } a => a.Items[0] as PdfDictionary,
            _ => null,
        };
        var predictor = parms?["Predictor"] is PdfNumber { IsInteger: true } p ? p.Integer : 1;
        if (predictor < 10)
        {
            return predictor == 1 ? inflated : throw new PdfFormatException($"predictor {predictor} is not supported here");
        }

        var columns = parms?["Columns"] is PdfNumber { IsInteger: true, Integer: > 0 and < 1 << 20 } c ? (int)c.Integer : 1;
        var colors = parms?["Colors"] is PdfNumber { IsInteger: true, Integer: > 0 and <= 32 } k ? (int)k.Integer : 1;
        var bits = parms?["BitsPerComponent"] is PdfNumber { IsInteger: true, Integer: 1 or 2 or 4 or 8 or 16 } b ? (int)b.Integer : 8;
        return UnPng(inflated, ((columns * colors * bits) + 7) / 8, Math.Max(1, colors * bits / 8));
    }

    // PNG filters (RFC 2083 §6): each row is a filter byte followed by the row.
    private static byte[] UnPng(byte[] data, int rowLength, int bytesPerPixel)
    {
        var rows = data.Length / (rowLength + 1);
        var output = new byte[rows * rowLength];
        var previous = new byte[rowLength];
        for (var r = 0; r < rows; r++)
        {
            var filter = data[r * (rowLength + 1)];
            var row = output.AsSpan(r * rowLength, rowLength);
            data.AsSpan((r * (rowLength + 1)) + 1, rowLength).CopyTo(row);
            for (var i = 0; i < rowLength; i++)
            {
                var left = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0;
                var up = previous[i];
                var upLeft = i >= bytesPerPixel ? previous[i - bytesPerPixel] : 0;
                row[i] += filter switch
                {
                    0 => 0,
                    1 => (byte)left,
                    2 => up,
                    3 => (byte)((left + up) / 2),
                    4 => Paeth(left, up, upLeft),
                    _ => throw new PdfFormatException($"PNG filter {filter} is not defined"),
                };
            }

            row.CopyTo(previous);
        }

        return output;
    }

    private static byte Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
    }

    /// <summary>The pages in document order, as references (ISO 32000-1 §7.7.3).</summary>
    public List<PdfReference> Pages()
    {
        var pages = new List<PdfReference>();
        var visited = new HashSet<int>();
        void Walk(PdfObject? node, int depth)
        {
            if (node is not PdfReference reference || depth > 64 || !visited.Add(reference.Number) || ResolveDictionary(reference) is not { } dictionary)
            {
                return;
            }

            if (dictionary["Kids"] is { } kids && Resolve(kids) is PdfArray array)
            {
                foreach (var kid in array.Items)
                {
                    Walk(kid, depth + 1);
                }
            }
            else if (dictionary.NameOf("Type") is "Page" or null)
            {
                pages.Add(reference);
            }
        }

        Walk(Catalog["Pages"], 0);
        return pages;
    }

    /// <summary>A terminal form field: its full name (ISO 32000-1 §12.7.3.2), reference, dictionary and inherited /FT.</summary>
    public sealed record Field(string Name, PdfReference Reference, PdfDictionary Dictionary, string? Type);

    /// <summary>The terminal fields of the AcroForm, in /Fields order.</summary>
    public List<Field> Fields()
    {
        var fields = new List<Field>();
        var visited = new HashSet<int>();
        void Walk(PdfObject? node, string prefix, string? inheritedType, int depth)
        {
            if (node is not PdfReference reference || depth > 32 || !visited.Add(reference.Number) || ResolveDictionary(reference) is not { } dictionary)
            {
                return;
            }

            var partial = Resolve(dictionary["T"]) is PdfString t ? t.ToText() : null;
            var name = partial is null ? prefix : prefix.Length == 0 ? partial : prefix + "." + partial;
            var type = dictionary.NameOf("FT") ?? inheritedType;
            var kids = Resolve(dictionary["Kids"]) as PdfArray;
            // Kids without /T are widgets of this field, not fields.
            var fieldKids = kids?.Items.Where(k => ResolveDictionary(k)?["T"] is not null).ToList() ?? [];
            if (fieldKids.Count == 0)
            {
                fields.Add(new Field(name, reference, dictionary, type));
                return;
            }

            foreach (var kid in fieldKids)
            {
                Walk(kid, name, type, depth + 1);
            }
        }

        if (ResolveDictionary(Catalog["AcroForm"]) is { } form && Resolve(form["Fields"]) is PdfArray array)
        {
            foreach (var item in array.Items)
            {
                Walk(item, string.Empty, null, 0);
            }
        }

        return fields;
    }
}
