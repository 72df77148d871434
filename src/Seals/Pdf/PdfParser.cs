using System.Globalization;
using System.Text;

namespace ElectronicLicense.Seals.Pdf;

/// <summary>The PDF could not be read: its syntax or cross-reference structure is broken, or it uses something this reader refuses (encryption).</summary>
public sealed class PdfFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PdfFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PdfFormatException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public PdfFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Reads PDF objects from bytes (ISO 32000-1 §7.2–7.3); every malformation is a <see cref="PdfFormatException"/>.</summary>
internal sealed class PdfParser
{
    private const int MaxDepth = 64;

    private readonly ReadOnlyMemory<byte> data;
    private readonly bool inFile;

    /// <param name="data">The bytes to read.</param>
    /// <param name="inFile">True when <paramref name="data"/> is the file itself, so string offsets are file offsets.</param>
    public PdfParser(ReadOnlyMemory<byte> data, bool inFile)
    {
        this.data = data;
        this.inFile = inFile;
    }

    public int Position { get; set; }

    public int Length => data.Length;

    private ReadOnlySpan<byte> Span => data.Span;

    public static bool IsWhitespace(byte b) => b is 0 or 9 or 10 or 12 or 13 or 32;

    public static bool IsDelimiter(byte b) => b is (byte)'(' or (byte)')' or (byte)'<' or (byte)'>' or (byte)'[' or (byte)']' or (byte)'{' or (byte)'}' or (byte)'/' or (byte)'%';

    public void SkipWhitespace()
    {
        var span = Span;
        while (Position < span.Length)
        {
            if (IsWhitespace(span[Position]))
            {
                Position++;
            }
            else if (span[Position] == '%')
            {
                while (Position < span.Length && span[Position] is not (10 or 13))
                {
                    Position++;
                }
            }
            else
            {
                break;
            }
        }
    }

    /// <summary>Reads a bare keyword or number token (no delimiters), or an empty string at a delimiter or the end.</summary>
    public string ReadToken()
    {
        SkipWhitespace();
        var span = Span;
        var start = Position;
        while (Position < span.Length && !IsWhitespace(span[Position]) && !IsDelimiter(span[Position]))
        {
            Position++;
        }

        return Encoding.Latin1.GetString(span[start..Position]);
    }

    public bool TryKeyword(string keyword)
    {
        var saved = Position;
        if (ReadToken() == keyword)
        {
            return true;
        }

        Position = saved;
        return false;
    }

    public long ReadInteger()
    {
        var token = ReadToken();
        if (!long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new PdfFormatException($"an integer was expected at byte {Position}, found '{Truncate(token)}'");
        }

        return value;
    }

    /// <summary>Reads "N G obj", the object, and the stream data if any; <paramref name="lengthOf"/> resolves an indirect /Length.</summary>
    public (int Number, int Generation, PdfObject Value) ReadIndirectObject(Func<PdfReference, long?> lengthOf)
    {
        var number = ReadInteger();
        var generation = ReadInteger();
        if (!TryKeyword("obj") || number is < 0 or > int.MaxValue || generation is < 0 or > 65535)
        {
            throw new PdfFormatException($"an indirect object was expected near byte {Position}");
        }

        var value = ReadObject();
        var saved = Position;
        if (value is PdfDictionary dictionary && TryKeyword("stream"))
        {
            value = ReadStreamData(dictionary, lengthOf);
        }
        else
        {
            Position = saved;
        }

        return ((int)number, (int)generation, value);
    }

    private PdfStream ReadStreamData(PdfDictionary dictionary, Func<PdfReference, long?> lengthOf)
    {
        var span = Span;
        // ISO 32000-1 §7.3.8.1: "stream" is followed by CRLF or LF (a lone CR is tolerated, as readers do).
        if (Position < span.Length && span[Position] == '\r')
        {
            Position++;
        }

        if (Position < span.Length && span[Position] == '\n')
        {
            Position++;
        }

        var start = Position;
        long? length = dictionary["Length"] switch
        {
            PdfNumber { IsInteger: true } n => n.Integer,
            PdfReference r => lengthOf(r),
            _ => null,
        };
        if (length is >= 0 && start + length <= span.Length)
        {
            Position = (int)(start + length.Value);
            var after = Position;
            if (TryKeyword("endstream"))
            {
                return new PdfStream(dictionary, data[start..after]);
            }
        }

        // A wrong /Length: find endstream and drop the end-of-line before it.
        var index = span[start..].IndexOf("endstream"u8);
        if (index < 0)
        {
            throw new PdfFormatException($"a stream starting at byte {start} has no endstream");
        }

        var end = start + index;
        if (end > start && span[end - 1] == '\n')
        {
            end--;
        }

        if (end > start && span[end - 1] == '\r')
        {
            end--;
        }

        Position = start + index + "endstream".Length;
        return new PdfStream(dictionary, data[start..end]);
    }

    public PdfObject ReadObject() => ReadObject(0);

    private PdfObject ReadObject(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new PdfFormatException("objects are nested too deeply");
        }

        SkipWhitespace();
        var span = Span;
        if (Position >= span.Length)
        {
            throw new PdfFormatException("the file ends inside an object");
        }

        switch (span[Position])
        {
            case (byte)'/':
                return ReadName();
            case (byte)'(':
                return ReadLiteralString();
            case (byte)'<' when Position + 1 < span.Length && span[Position + 1] == '<':
                return ReadDictionary(depth);
            case (byte)'<':
                return ReadHexString();
            case (byte)'[':
                Position++;
                var items = new List<PdfObject>();
                while (true)
                {
                    SkipWhitespace();
                    if (Position >= Span.Length)
                    {
                        throw new PdfFormatException("an array is not closed");
                    }

                    if (Span[Position] == ']')
                    {
                        Position++;
                        return new PdfArray(items);
                    }

                    items.Add(ReadObject(depth + 1));
                }

            default:
                return ReadNumberOrKeyword();
        }
    }

    private PdfDictionary ReadDictionary(int depth)
    {
        Position += 2;
        var dictionary = new PdfDictionary();
        while (true)
        {
            SkipWhitespace();
            var span = Span;
            if (Position + 1 < span.Length && span[Position] == '>' && span[Position + 1] == '>')
            {
                Position += 2;
                return dictionary;
            }

            if (Position >= span.Length || span[Position] != '/')
            {
                throw new PdfFormatException($"a dictionary key was expected at byte {Position}");
            }

            var key = ReadName().Value;
            var value = ReadObject(depth + 1);
            dictionary[key] = value is PdfNull ? null : value;
        }
    }

    private PdfName ReadName()
    {
        var span = Span;
        Position++;
        var bytes = new List<byte>();
        while (Position < span.Length && !IsWhitespace(span[Position]) && !IsDelimiter(span[Position]))
        {
            if (span[Position] == '#' && Position + 2 < span.Length && IsHex(span[Position + 1]) && IsHex(span[Position + 2]))
            {
                bytes.Add((byte)((HexValue(span[Position + 1]) << 4) | HexValue(span[Position + 2])));
                Position += 3;
            }
            else
            {
                bytes.Add(span[Position++]);
            }
        }

        return new PdfName(Encoding.Latin1.GetString(bytes.ToArray()));
    }

    private PdfString ReadHexString()
    {
        var span = Span;
        var start = Position++;
        var bytes = new List<byte>();
        var high = -1;
        while (true)
        {
            if (Position >= span.Length)
            {
                throw new PdfFormatException("a hex string is not closed");
            }

            var b = span[Position++];
            if (b == '>')
            {
                break;
            }

            if (IsWhitespace(b))
            {
                continue;
            }

            if (!IsHex(b))
            {
                throw new PdfFormatException($"a hex string holds a non-hex byte at {Position - 1}");
            }

            if (high < 0)
            {
                high = HexValue(b);
            }
            else
            {
                bytes.Add((byte)((high << 4) | HexValue(b)));
                high = -1;
            }
        }

        if (high >= 0)
        {
            bytes.Add((byte)(high << 4));
        }

        return new PdfString(bytes.ToArray(), true, inFile ? start : -1, inFile ? Position : -1);
    }

    private PdfString ReadLiteralString()
    {
        var span = Span;
        var start = Position++;
        var bytes = new List<byte>();
        var nesting = 1;
        while (true)
        {
            if (Position >= span.Length)
            {
                throw new PdfFormatException("a string is not closed");
            }

            var b = span[Position++];
            switch (b)
            {
                case (byte)'(':
                    nesting++;
                    bytes.Add(b);
                    break;
                case (byte)')':
                    if (--nesting == 0)
                    {
                        return new PdfString(bytes.ToArray(), false, inFile ? start : -1, inFile ? Position : -1);
                    }

                    bytes.Add(b);
                    break;
                case (byte)'\\':
                    if (Position >= span.Length)
                    {
                        throw new PdfFormatException("a string is not closed");
                    }

                    var e = span[Position++];
                    switch (e)
                    {
                        case (byte)'n': bytes.Add(10); break;
                        case (byte)'r': bytes.Add(13); break;
                        case (byte)'t': bytes.Add(9); break;
                        case (byte)'b': bytes.Add(8); break;
                        case (byte)'f': bytes.Add(12); break;
                        case (byte)'\r':
                            if (Position < span.Length && span[Position] == '\n')
                            {
                                Position++;
                            }

                            break;
                        case (byte)'\n':
                            break;
                        case >= (byte)'0' and <= (byte)'7':
                            var octal = e - '0';
                            for (var i = 0; i < 2 && Position < span.Length && span[Position] is >= (byte)'0' and <= (byte)'7'; i++)
                            {
                                octal = (octal * 8) + (span[Position++] - '0');
                            }

                            bytes.Add((byte)octal);
                            break;
                        default:
                            bytes.Add(e);
                            break;
                    }

                    break;
                default:
                    bytes.Add(b);
                    break;
            }
        }
    }

    private PdfObject ReadNumberOrKeyword()
    {
        var start = Position;
        var token = ReadToken();
        switch (token)
        {
            case "true":
                return new PdfBoolean(true);
            case "false":
                return new PdfBoolean(false);
            case "null":
                return PdfNull.Instance;
            case "":
                throw new PdfFormatException($"unexpected byte 0x{Span[start]:X2} at {start}");
        }

        if (!IsNumber(token))
        {
            throw new PdfFormatException($"unexpected token '{Truncate(token)}' at byte {start}");
        }

        var number = new PdfNumber(token);
        if (number.IsInteger && number.Integer >= 0 && !token.StartsWith('+'))
        {
            // "N G R": look ahead for a reference.
            var saved = Position;
            var second = ReadToken();
            if (second.Length > 0 && second.All(char.IsAsciiDigit) && ReadToken() == "R"
                && number.Integer <= int.MaxValue && int.TryParse(second, CultureInfo.InvariantCulture, out var generation))
            {
                return new PdfReference((int)number.Integer, generation);
            }

            Position = saved;
        }

        return number;
    }

    private static bool IsNumber(string token)
    {
        var digits = 0;
        var dots = 0;
        for (var i = 0; i < token.Length; i++)
        {
            var c = token[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c == '.')
            {
                dots++;
            }
            else if (!(i == 0 && c is '+' or '-'))
            {
                return false;
            }
        }

        return digits > 0 && dots <= 1;
    }

    private static bool IsHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F');

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    private static string Truncate(string token) => token.Length > 20 ? token[..20] + "…" : token;
}
