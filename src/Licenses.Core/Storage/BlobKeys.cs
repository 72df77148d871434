namespace ElectronicLicense.Licenses.Storage;

/// <summary>The key rules every <see cref="IBlobStore"/> applies, so that a key means the same object in a folder and in a bucket.</summary>
/// <remarks>
/// A key is relative and <c>/</c>-separated, with no empty, <c>.</c> or <c>..</c> segment, no backslash and no NUL; it is at most
/// 1024 UTF-16 units (the S3 limit is 1024 bytes of UTF-8, checked too). Segments starting with <c>.elic-</c> are reserved for the
/// folder store's own files (temporary files and retention records) and rejected in keys.
/// </remarks>
internal static class BlobKeys
{
    /// <summary>Prefix of the folder store's own entries; never part of a key.</summary>
    internal const string ReservedSegmentPrefix = ".elic-";

    private const int MaxKeyBytes = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="key"/> unless it is a valid key.</summary>
    internal static void Validate(string key, string parameterName = "key")
    {
        ArgumentNullException.ThrowIfNull(key, parameterName);
        if (Problem(key, isPrefix: false) is { } problem)
        {
            throw new ArgumentException($"Blob key '{Printable(key)}' is invalid: {problem}.", parameterName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="prefix"/> could start a valid key (empty lists everything).</summary>
    internal static void ValidatePrefix(string prefix, string parameterName = "prefix")
    {
        ArgumentNullException.ThrowIfNull(prefix, parameterName);
        if (prefix.Length > 0 && Problem(prefix, isPrefix: true) is { } problem)
        {
            throw new ArgumentException($"Blob key prefix '{Printable(prefix)}' is invalid: {problem}.", parameterName);
        }
    }

    private static string? Problem(string key, bool isPrefix)
    {
        if (key.Length == 0)
        {
            return "it is empty";
        }

        if (System.Text.Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            return $"it is longer than {MaxKeyBytes} UTF-8 bytes";
        }

        if (key.Contains('\\', StringComparison.Ordinal))
        {
            return "it contains a backslash; use '/'";
        }

        if (key.Contains('\0', StringComparison.Ordinal))
        {
            return "it contains NUL";
        }

        if (key[0] == '/')
        {
            return "it must be relative (no leading '/')";
        }

        var segments = key.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var last = i == segments.Length - 1;
            if (segment.Length == 0 && !(isPrefix && last))
            {
                return "it has an empty segment";
            }

            // A prefix's last segment may be the start of a longer name ("." of ".ofd"), so only whole segments are judged.
            if ((segment is "." or "..") && !(isPrefix && last))
            {
                return $"it has a '{segment}' segment";
            }

            if (segment.StartsWith(ReservedSegmentPrefix, StringComparison.Ordinal))
            {
                return $"segments starting with '{ReservedSegmentPrefix}' are reserved";
            }
        }

        return null;
    }

    // Keys are not holder data, but may hold control characters: show them escaped so messages stay one readable line.
    private static string Printable(string key)
    {
        var shown = key.Length > 200 ? key[..200] + "…" : key;
        return string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
