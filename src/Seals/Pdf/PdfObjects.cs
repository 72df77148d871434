using System.Globalization;
using System.Text;

namespace ElectronicLicense.Seals.Pdf;

/// <summary>A PDF object as read from a file (ISO 32000-1 §7.3), kept close to its bytes so it can be written back unchanged in meaning.</summary>
internal abstract class PdfObject
{
    /// <summary>The canonical serialisation, used both to write objects back and to compare revisions.</summary>
    public byte[] ToBytes()
    {
        var buffer = new MemoryStream();
        PdfSerializer.Write(buffer, this);
        return buffer.ToArray();
    }
}

internal sealed class PdfNull : PdfObject
{
    public static readonly PdfNull Instance = new();

    private PdfNull()
    {
    }
}

internal sealed class PdfBoolean(bool value) : PdfObject
{
    public bool Value { get; } = value;
}

internal sealed class PdfNumber : PdfObject
{
    public PdfNumber(string text)
    {
        Text = text;
        IsInteger = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer);
        Integer = integer;
        Value = IsInteger ? integer : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) ? real : 0;
    }

    public PdfNumber(long value)
        : this(value.ToString(CultureInfo.InvariantCulture))
    {
    }

    /// <summary>The number as written, so reals are written back exactly.</summary>
    public string Text { get; }

    public bool IsInteger { get; }

    public long Integer { get; }

    public double Value { get; }

    public static PdfNumber Real(double value) => new(value.ToString("0.###", CultureInfo.InvariantCulture));
}

/// <summary>A name, its bytes held as Latin-1 characters after #xx decoding.</summary>
internal sealed class PdfName(string value) : PdfObject
{
    public string Value { get; } = value;
}

/// <summary>A string with its raw bytes and, when read from the file itself (not an object stream), where its token lies.</summary>
internal sealed class PdfString(byte[] bytes, bool hex = true, long offset = -1, long end = -1) : PdfObject
{
    public byte[] Bytes { get; } = bytes;

    public bool IsHex { get; } = hex;

    /// <summary>File offset of the opening delimiter, or -1.</summary>
    public long Offset { get; } = offset;

    /// <summary>File offset just after the closing delimiter, or -1.</summary>
    public long End { get; } = end;

    /// <summary>A text string (ISO 32000-1 §7.9.2.2): ASCII as is, anything else UTF-16BE with a byte order mark.</summary>
    public static PdfString FromText(string text)
    {
        if (text.All(c => c is >= ' ' and < '\x7f'))
        {
            return new PdfString(Encoding.ASCII.GetBytes(text));
        }

        return new PdfString([0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)]);
    }

    /// <summary>Decodes a text string: UTF-16BE or UTF-8 with a byte order mark, else PDFDocEncoding (read as Latin-1, close enough for names).</summary>
    public string ToText()
    {
        if (Bytes.Length >= 2 && Bytes[0] == 0xFE && Bytes[1] == 0xFF)
        {
            return Encoding.BigEndianUnicode.GetString(Bytes, 2, (Bytes.Length - 2) & ~1);
        }

        if (Bytes.Length >= 3 && Bytes[0] == 0xEF && Bytes[1] == 0xBB && Bytes[2] == 0xBF)
        {
            return Encoding.UTF8.GetString(Bytes, 3, Bytes.Length - 3);
        }

        return Encoding.Latin1.GetString(Bytes);
    }
}

internal sealed class PdfArray(List<PdfObject> items) : PdfObject
{
    public PdfArray()
        : this([])
    {
    }

    public List<PdfObject> Items { get; } = items;
}

/// <summary>A dictionary that keeps its keys in file order, so a rewritten dictionary differs only where it was changed.</summary>
internal sealed class PdfDictionary : PdfObject
{
    private readonly List<KeyValuePair<string, PdfObject>> entries = [];

    public IReadOnlyList<KeyValuePair<string, PdfObject>> Entries => entries;

    public PdfObject? this[string key]
    {
        get
        {
            foreach (var entry in entries)
            {
                if (entry.Key == key)
                {
                    return entry.Value is PdfNull ? null : entry.Value;
                }
            }

            return null;
        }

        set
        {
            var index = entries.FindIndex(e => e.Key == key);
            if (value is null)
            {
                if (index >= 0)
                {
                    entries.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                entries[index] = new(key, value);
            }
            else
            {
                entries.Add(new(key, value));
            }
        }
    }

    public PdfDictionary Copy()
    {
        var copy = new PdfDictionary();
        copy.entries.AddRange(entries);
        return copy;
    }

    public string? NameOf(string key) => this[key] is PdfName name ? name.Value : null;
}

internal sealed class PdfReference(int number, int generation) : PdfObject
{
    public int Number { get; } = number;

    public int Generation { get; } = generation;
}

/// <summary>A stream: its dictionary and its encoded (still filtered) data.</summary>
internal sealed class PdfStream(PdfDictionary dictionary, ReadOnlyMemory<byte> data) : PdfObject
{
    public PdfDictionary Dictionary { get; } = dictionary;

    public ReadOnlyMemory<byte> Data { get; } = data;
}

/// <summary>Writes objects in a canonical form: strings as hex, names escaped, dictionaries in their order.</summary>
internal static class PdfSerializer
{
    public static void Write(Stream output, PdfObject value)
    {
        switch (value)
        {
            case PdfNull:
                Ascii(output, "null");
                break;
            case PdfBoolean b:
                Ascii(output, b.Value ? "true" : "false");
                break;
            case PdfNumber n:
                Ascii(output, n.Text);
                break;
            case PdfName name:
                WriteName(output, name.Value);
                break;
            case PdfString s:
                output.WriteByte((byte)'<');
                Ascii(output, Convert.ToHexString(s.Bytes));
                output.WriteByte((byte)'>');
                break;
            case PdfReference r:
                Ascii(output, $"{r.Number} {r.Generation} R");
                break;
            case PdfArray array:
                output.WriteByte((byte)'[');
                for (var i = 0; i < array.Items.Count; i++)
                {
                    if (i > 0)
                    {
                        output.WriteByte((byte)' ');
                    }

                    Write(output, array.Items[i]);
                }

                output.WriteByte((byte)']');
                break;
            case PdfDictionary dictionary:
                Ascii(output, "<<");
                foreach (var (key, item) in dictionary.Entries)
                {
                    WriteName(output, key);
                    output.WriteByte((byte)' ');
                    Write(output, item);
                }

                Ascii(output, ">>");
                break;
            case PdfStream stream:
                var dict = stream.Dictionary.Copy();
                dict["Length"] = new PdfNumber(stream.Data.Length);
                Write(output, dict);
                Ascii(output, "\nstream\n");
                output.Write(stream.Data.Span);
                Ascii(output, "\nendstream");
                break;
            default:
                throw new ArgumentException("Unknown PDF object.", nameof(value));
        }
    }

    public static void Ascii(Stream output, string text) => output.Write(Encoding.ASCII.GetBytes(text));

    private static void WriteName(Stream output, string name)
    {
        output.WriteByte((byte)'/');
        foreach (var c in name)
        {
            var b = (byte)c;
            // ISO 32000-1 §7.3.5: bytes outside the regular characters are written #xx.
            if (b is < 0x21 or > 0x7E || "#/()<>[]{}%".Contains(c, StringComparison.Ordinal))
            {
                Ascii(output, "#" + b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                output.WriteByte(b);
            }
        }
    }
}
