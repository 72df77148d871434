using System.Globalization;
using System.Text;

namespace ElectronicLicense.Licenses.Archiving.BagIt;

/// <summary>The text of the tag files: writing them one way and reading them as RFC 8493 allows.</summary>
internal static class BagTagFiles
{
    public const string Declaration = "bagit.txt";
    public const string BagInfo = "bag-info.txt";
    public const string PayloadOxumLabel = "Payload-Oxum";
    public const string BaggingDateLabel = "Bagging-Date";
    public const string BagSizeLabel = "Bag-Size";

    /// <summary>Strict UTF-8: a tag file that is not valid UTF-8 is malformed (RFC 8493 §2.1.1 declares the encoding).</summary>
    public static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string ManifestName(string algorithm) => $"manifest-{algorithm}.txt";

    public static string TagManifestName(string algorithm) => $"tagmanifest-{algorithm}.txt";

    /// <summary>RFC 8493 §2.1.1: exactly these two lines, UTF-8 without a byte-order mark.</summary>
    public static string FormatDeclaration() => "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

    /// <summary>One <c>label: value</c> line per element, in the given order; values are never folded (§2.2.2 allows either).</summary>
    public static string FormatBagInfo(IEnumerable<KeyValuePair<string, string>> elements)
    {
        var builder = new StringBuilder();
        foreach (var (label, value) in elements)
        {
            builder.Append(label).Append(": ").Append(value).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>RFC 8493 §2.1.3: <c>checksum filepath</c>, here with two spaces (the coreutils form), lines sorted ordinally by path.</summary>
    public static string FormatManifest(IEnumerable<(string Path, string Digest)> lines)
    {
        var builder = new StringBuilder();
        foreach (var (path, digest) in lines.OrderBy(l => l.Path, StringComparer.Ordinal))
        {
            builder.Append(digest).Append("  ").Append(BagPaths.Encode(path)).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Splits text at LF, CR or CRLF (RFC 8493 §2.1: any of them ends a line); a final line ending adds no empty line.</summary>
    public static List<string> Lines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '\r' or '\n')
            {
                lines.Add(text[start..i]);
                if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines;
    }

    /// <summary>Reads <c>label: value</c> elements; a line starting with a space or tab continues the previous value (§2.2.2 folding).</summary>
    /// <returns>The elements, or null with <paramref name="error"/> saying which line is malformed.</returns>
    public static List<KeyValuePair<string, string>>? ParseElements(string text, out string? error)
    {
        var elements = new List<KeyValuePair<string, string>>();
        var lines = Lines(text);
        for (var n = 0; n < lines.Count; n++)
        {
            var line = lines[n];
            if (line.Length > 0 && line[0] is ' ' or '\t')
            {
                if (elements.Count == 0)
                {
                    error = $"line {n + 1} continues a value but no element precedes it";
                    return null;
                }

                var last = elements[^1];
                elements[^1] = new(last.Key, last.Value + " " + line.Trim(' ', '\t'));
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                error = line.Length == 0 ? $"line {n + 1} is empty" : $"line {n + 1} is not 'label: value'";
                return null;
            }

            var label = line[..colon];
            if (label.Trim(' ', '\t').Length != label.Length)
            {
                error = $"line {n + 1} has whitespace around its label";
                return null;
            }

            elements.Add(new(label, line[(colon + 1)..].Trim(' ', '\t')));
        }

        error = null;
        return elements;
    }

    /// <summary>Formats <c>Payload-Oxum</c>: <c>octetcount.streamcount</c> (RFC 8493 §2.2.2).</summary>
    public static string FormatOxum(long bytes, long count) => string.Create(CultureInfo.InvariantCulture, $"{bytes}.{count}");

    public static bool TryParseOxum(string value, out long bytes, out long count)
    {
        bytes = count = 0;
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        return dot > 0
            && value[..dot].All(char.IsAsciiDigit) && value[(dot + 1)..].Length > 0 && value[(dot + 1)..].All(char.IsAsciiDigit)
            && long.TryParse(value.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out bytes)
            && long.TryParse(value.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out count);
    }

    /// <summary>A human-readable size for <c>Bag-Size</c>, in decimal units (e.g. <c>12.3 MB</c>).</summary>
    public static string FormatSize(long bytes)
    {
        string[] units = ["bytes", "KB", "MB", "GB", "TB", "PB"];
        double size = bytes;
        var unit = 0;
        while (size >= 1000 && unit < units.Length - 1)
        {
            size /= 1000;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes")
            : string.Create(CultureInfo.InvariantCulture, $"{size:0.#} {units[unit]}");
    }
}
