namespace ElectronicLicense.Licenses.Errors;

/// <summary>Builds RFC 6901 JSON pointers.</summary>
internal static class JsonPointer
{
    /// <summary>Appends one reference token, escaping '~' and '/' as RFC 6901 §3 requires.</summary>
    public static string Append(string pointer, string token) =>
        pointer + "/" + token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    public static string Append(string pointer, int index) => pointer + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
