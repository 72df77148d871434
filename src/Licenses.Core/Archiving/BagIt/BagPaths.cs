using System.Text;

namespace ElectronicLicense.Licenses.Archiving.BagIt;

/// <summary>Bag-relative paths: the manifest encoding of RFC 8493 §2.1.3 and the checks that keep a path inside the bag.</summary>
internal static class BagPaths
{
    public const string PayloadDirectory = "data/";

    /// <summary>Encodes a path for a manifest line.</summary>
    /// <remarks>RFC 8493 §2.1.3: if filepath includes LF, CR, CRLF or a percent sign, those characters (and only those) MUST be percent-encoded.</remarks>
    public static string Encode(string path)
    {
        if (path.AsSpan().IndexOfAny('%', '\r', '\n') < 0)
        {
            return path;
        }

        var builder = new StringBuilder(path.Length + 8);
        foreach (var c in path)
        {
            builder.Append(c switch
            {
                '%' => "%25",
                '\r' => "%0D",
                '\n' => "%0A",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    /// <summary>Decodes a manifest path: <c>%25</c>, <c>%0D</c> and <c>%0A</c> (any case); any other <c>%</c> is kept as it is.</summary>
    public static string Decode(string encoded)
    {
        if (!encoded.Contains('%', StringComparison.Ordinal))
        {
            return encoded;
        }

        var builder = new StringBuilder(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == '%' && i + 2 < encoded.Length)
            {
                var code = encoded.Substring(i + 1, 2).ToUpperInvariant();
                var decoded = code switch { "25" => '%', "0D" => '\r', "0A" => '\n', _ => (char?)null };
                if (decoded is { } d)
                {
                    builder.Append(d);
                    i += 2;
                    continue;
                }
            }

            builder.Append(encoded[i]);
        }

        return builder.ToString();
    }

    /// <summary>Why a bag-relative path is unsafe (escapes the base directory or is ambiguous), or null when it is safe.</summary>
    /// <remarks>RFC 8493 §2.1.3: filepath MUST NOT reference files outside the base directory. Backslashes are refused because a Windows tool would read them as separators.</remarks>
    public static string? Unsafe(string path)
    {
        if (path.Length == 0)
        {
            return "the path is empty";
        }

        if (path[0] == '/' || (path.Length >= 2 && path[1] == ':' && char.IsAsciiLetter(path[0])))
        {
            return "the path is absolute";
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "the path contains a backslash";
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            return "the path contains a NUL character";
        }

        foreach (var segment in path.Split('/'))
        {
            switch (segment)
            {
                case "..":
                    return "the path has a '..' segment";
                case ".":
                    return "the path has a '.' segment";
                case "":
                    return "the path has an empty segment";
            }
        }

        return null;
    }

    public static bool IsPayload(string path) => path.StartsWith(PayloadDirectory, StringComparison.Ordinal);
}
