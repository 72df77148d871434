using System.Diagnostics.CodeAnalysis;

namespace ElectronicLicense.Licenses.Identifiers;

/// <summary>A 统一社会信用代码 (unified social credit identifier) as defined by GB 32100-2015.</summary>
/// <remarks>
/// <para>
/// The canonical form is 18 upper-case characters of the GB 32100-2015 charset
/// (0–9 and A–Z without I, O, S, V and Z): 登记管理部门码, 机构类别码, a 6-character
/// 登记管理机关行政区划码, the 9-character 主体标识码 (组织机构代码) and a check character.
/// Lower-case input is accepted and normalised.
/// </para>
/// <para>
/// Only the length, the charset and the check character are enforced. The tables of
/// registration authorities and categories, the region code and the embedded GB 11714 check
/// are left to the issuing registries, which extend them.
/// </para>
/// <para>
/// A code whose check character fails is accepted only when it is on a
/// <see cref="UsccAllowList"/>, and then <see cref="IsCheckCharacterValid"/> is
/// <see langword="false"/> so that callers can show it.
/// </para>
/// </remarks>
public sealed class UnifiedSocialCreditCode : IEquatable<UnifiedSocialCreditCode>
{
    private const string Name = "统一社会信用代码";
    private const int Length = 18;
    private const int Modulus = 31;

    // GB 32100-2015 表1 代码字符集: the 31 characters in value order, 0 … 30.
    internal const string Charset = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    // Value of each ASCII character of the charset, either case; −1 for everything else.
    private static readonly sbyte[] CharValues = BuildCharValues();

    // GB 32100-2015 校验码: Wi = 3^(i−1) mod 31 for positions i = 1 … 17.
    private static ReadOnlySpan<byte> Weights => [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    private UnifiedSocialCreditCode(string value, bool isCheckCharacterValid)
    {
        Value = value;
        IsCheckCharacterValid = isCheckCharacterValid;
    }

    /// <summary>Gets the canonical 18-character upper-case code.</summary>
    public string Value { get; }

    /// <summary>Gets the 登记管理部门码 (registration authority code), the first character.</summary>
    public char RegistrationAuthority => Value[0];

    /// <summary>Gets the 机构类别码 (organisation category code), the second character.</summary>
    public char OrganizationCategory => Value[1];

    /// <summary>Gets the 登记管理机关行政区划码 (region of the registering authority), characters 3–8.</summary>
    public string RegionCode => Value.Substring(2, 6);

    /// <summary>Gets the 主体标识码 (组织机构代码 body), characters 9–17.</summary>
    public string OrganizationCode => Value.Substring(8, 9);

    /// <summary>Gets whether the check character is correct; it is false only for allow-listed codes.</summary>
    public bool IsCheckCharacterValid { get; }

    /// <summary>Parses a 统一社会信用代码 strictly, throwing <see cref="FormatException"/> with the reason when it is not valid.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="value"/> is not a valid 统一社会信用代码.</exception>
    public static UnifiedSocialCreditCode Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var code, out var error) ? code : throw new FormatException(error);
    }

    /// <summary>Tries to parse a 统一社会信用代码 strictly, with no allow-listed exceptions.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? value,
        [NotNullWhen(true)] out UnifiedSocialCreditCode? code,
        [NotNullWhen(false)] out string? error) =>
        TryParse(value, UsccAllowList.Empty, out code, out error);

    /// <summary>Tries to parse a 统一社会信用代码, accepting a failed check character only for allow-listed codes.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? value,
        UsccAllowList allowList,
        [NotNullWhen(true)] out UnifiedSocialCreditCode? code,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(allowList);
        code = null;
        if (string.IsNullOrEmpty(value))
        {
            error = $"{Name} is required";
            return false;
        }

        if (IdentifierText.HasSurroundingWhiteSpace(value))
        {
            error = $"{Name} must not have leading or trailing white space";
            return false;
        }

        error = ValidateShape(value);
        if (error is not null)
        {
            return false;
        }

        string canonical = IdentifierText.ToAsciiUpper(value);
        char expected = ComputeCheck(canonical.AsSpan(0, Length - 1));
        char actual = canonical[Length - 1];
        if (actual == expected)
        {
            code = new UnifiedSocialCreditCode(canonical, isCheckCharacterValid: true);
            return true;
        }

        // Early codes issued before the check was enforced stay valid in law; they pass only by name, never silently.
        if (allowList.Contains(canonical))
        {
            code = new UnifiedSocialCreditCode(canonical, isCheckCharacterValid: false);
            return true;
        }

        // GB 32100-2015 校验码: C18 = 31 − MOD(Σ Ci × Wi, 31), mapped back through 表1.
        error = $"{Name} check character should be '{expected}', got '{actual}'";
        return false;
    }

    /// <summary>Creates a 统一社会信用代码 from its first 17 characters by appending the computed check character.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="first17Chars"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The characters are not 17 characters of the GB 32100-2015 charset.</exception>
    public static UnifiedSocialCreditCode Create(string first17Chars)
    {
        ArgumentNullException.ThrowIfNull(first17Chars);
        char check = ComputeCheckCharacter(first17Chars, nameof(first17Chars));
        return new UnifiedSocialCreditCode(IdentifierText.ToAsciiUpper(first17Chars) + check, isCheckCharacterValid: true);
    }

    /// <summary>Computes the check character for the first 17 characters of a code.</summary>
    /// <remarks>Lower-case letters are read as upper case.</remarks>
    /// <exception cref="ArgumentException">The span is not 17 characters of the GB 32100-2015 charset.</exception>
    public static char ComputeCheckCharacter(ReadOnlySpan<char> first17) =>
        ComputeCheckCharacter(first17, nameof(first17));

    /// <summary>Returns the canonical form, the same as <see cref="Value"/>.</summary>
    public override string ToString() => Value;

    /// <summary>Returns whether the other code has the same canonical value.</summary>
    public bool Equals(UnifiedSocialCreditCode? other) =>
        other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <summary>Returns whether the object is a 统一社会信用代码 with the same canonical value.</summary>
    public override bool Equals(object? obj) => Equals(obj as UnifiedSocialCreditCode);

    /// <summary>Returns a hash code of the canonical value.</summary>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns whether two codes are equal.</summary>
    public static bool operator ==(UnifiedSocialCreditCode? left, UnifiedSocialCreditCode? right) =>
        left is null ? right is null : left.Equals(right);

    /// <summary>Returns whether two codes differ.</summary>
    public static bool operator !=(UnifiedSocialCreditCode? left, UnifiedSocialCreditCode? right) => !(left == right);

    /// <summary>Checks the length and charset of a non-empty value, returning the reason it fails or null.</summary>
    internal static string? ValidateShape(string value)
    {
        // GB 32100-2015 §4: 统一代码由十八位的阿拉伯数字或大写英文字母组成 (18 characters).
        if (value.Length != Length)
        {
            return $"{Name} must be 18 characters, got {value.Length}";
        }

        for (int i = 0; i < Length; i++)
        {
            // GB 32100-2015 §4 and 表1: 不使用 I、O、Z、S、V.
            if (ValueOf(value[i]) < 0)
            {
                return CharsetMessage(i, value[i]);
            }
        }

        return null;
    }

    /// <summary>Returns the value 0–30 of a charset character (either case), or −1 when it is not in the charset.</summary>
    internal static int ValueOf(char c) => c < CharValues.Length ? CharValues[c] : -1;

    private static sbyte[] BuildCharValues()
    {
        var values = new sbyte['z' + 1];
        Array.Fill(values, (sbyte)-1);
        for (int i = 0; i < Charset.Length; i++)
        {
            values[Charset[i]] = (sbyte)i;
            values[char.ToLowerInvariant(Charset[i])] = (sbyte)i;
        }

        return values;
    }

    private static char ComputeCheckCharacter(ReadOnlySpan<char> first17, string paramName)
    {
        if (first17.Length != Length - 1)
        {
            throw new ArgumentException($"{Name} body must be 17 characters, got {first17.Length}", paramName);
        }

        for (int i = 0; i < first17.Length; i++)
        {
            if (ValueOf(first17[i]) < 0)
            {
                throw new ArgumentException(CharsetMessage(i, first17[i]), paramName);
            }
        }

        return ComputeCheck(first17);
    }

    private static char ComputeCheck(ReadOnlySpan<char> first17)
    {
        int sum = 0;
        for (int i = 0; i < Weights.Length; i++)
        {
            sum += ValueOf(first17[i]) * Weights[i];
        }

        // GB 32100-2015 校验码: C18 = 31 − MOD(Σ, 31); a result of 31 is written as the character of value 0.
        return Charset[(Modulus - (sum % Modulus)) % Modulus];
    }

    private static string CharsetMessage(int index, char c) =>
        $"{Name} position {index + 1} must be one of 0–9 A–H J–N P–R T U W–Y (I, O, S, V and Z are not used), got {IdentifierText.Describe(c)}";
}
