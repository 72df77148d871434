namespace ElectronicLicense.Licenses.Identifiers;

/// <summary>Character tests and message fragments shared by the identifier parsers.</summary>
/// <remarks>
/// Every test is an explicit ASCII range comparison: <see cref="char.IsDigit(char)"/> and
/// <see cref="char.IsLetter(char)"/> accept full-width and other Unicode digits and letters,
/// which no identifier here allows.
/// </remarks>
internal static class IdentifierText
{
    /// <summary>The characters 0–9 and A–Z in value order, as used by ISO/IEC 7064 MOD 37,36.</summary>
    public const string Alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>Returns whether the character is one of the ASCII digits '0'–'9'.</summary>
    public static bool IsAsciiDigit(char c) => c >= '0' && c <= '9';

    /// <summary>Returns whether the character is one of the ASCII upper-case letters 'A'–'Z'.</summary>
    public static bool IsAsciiUpper(char c) => c >= 'A' && c <= 'Z';

    /// <summary>Returns whether the character is a full-width digit '０'–'９' (U+FF10–U+FF19).</summary>
    public static bool IsFullWidthDigit(char c) => c >= '\uFF10' && c <= '\uFF19';

    /// <summary>Maps an ASCII lower-case letter to upper case and leaves every other character alone.</summary>
    public static char ToAsciiUpper(char c) => c >= 'a' && c <= 'z' ? (char)(c - ('a' - 'A')) : c;

    /// <summary>Returns the string with ASCII lower-case letters mapped to upper case, reusing it when nothing changes.</summary>
    public static string ToAsciiUpper(string value)
    {
        int first = value.AsSpan().IndexOfAnyInRange('a', 'z');
        if (first < 0)
        {
            return value;
        }

        return string.Create(value.Length, value, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                span[i] = ToAsciiUpper(source[i]);
            }
        });
    }

    /// <summary>Returns whether the value starts or ends with white space (including U+3000 ideographic space).</summary>
    public static bool HasSurroundingWhiteSpace(string value) =>
        value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]));

    /// <summary>Describes a single offending character for a message: printable ASCII quoted, anything else as a code point.</summary>
    public static string Describe(char c) =>
        c >= '!' && c <= '~' ? $"'{c}'" : $"U+{(int)c:X4}";

    /// <summary>Returns the hint appended when a full-width digit stands where an ASCII digit is expected.</summary>
    public static string FullWidthHint(char c) =>
        IsFullWidthDigit(c) ? " (full-width digits are not accepted)" : string.Empty;
}
