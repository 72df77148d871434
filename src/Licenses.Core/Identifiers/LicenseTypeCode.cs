using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ElectronicLicense.Licenses.Identifiers;

/// <summary>A 证照类型代码 (license type code): the defining authority's 统一社会信用代码 and a 3-digit sequence.</summary>
/// <remarks>
/// The canonical form is 21 characters, for example <c>11100000000013338W032</c>: an 18-character
/// 统一社会信用代码 that must pass its check character (no allow-list applies) followed by a
/// sequence 001–999. Lower-case input is accepted and normalised.
/// </remarks>
public sealed class LicenseTypeCode : IEquatable<LicenseTypeCode>
{
    private const string Name = "证照类型代码";
    private const int AuthorityLength = 18;
    private const int Length = AuthorityLength + 3;

    private LicenseTypeCode(string value, UnifiedSocialCreditCode authority, int sequence)
    {
        Value = value;
        Authority = authority;
        Sequence = sequence;
    }

    /// <summary>Gets the canonical 21-character code.</summary>
    public string Value { get; }

    /// <summary>Gets the 统一社会信用代码 of the authority that defined the license type.</summary>
    public UnifiedSocialCreditCode Authority { get; }

    /// <summary>Gets the sequence number 1–999 that the authority gave the type.</summary>
    public int Sequence { get; }

    /// <summary>Parses a 证照类型代码, throwing <see cref="FormatException"/> with the reason when it is not valid.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="value"/> is not a valid 证照类型代码.</exception>
    public static LicenseTypeCode Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var code, out var error) ? code : throw new FormatException(error);
    }

    /// <summary>Tries to parse a 证照类型代码.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? value,
        [NotNullWhen(true)] out LicenseTypeCode? code,
        [NotNullWhen(false)] out string? error)
    {
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

        if (value.Length != Length)
        {
            error = $"{Name} must be 21 characters (a 统一社会信用代码 and a 3-digit sequence), got {value.Length}";
            return false;
        }

        // The defining authority is named by a 统一社会信用代码 that must pass its own check (strict).
        if (!UnifiedSocialCreditCode.TryParse(value[..AuthorityLength], out var authority, out var authorityError))
        {
            error = $"{Name} defining authority (positions 1–18): {authorityError}";
            return false;
        }

        int sequence = 0;
        for (int i = AuthorityLength; i < Length; i++)
        {
            if (!IdentifierText.IsAsciiDigit(value[i]))
            {
                error = $"{Name} position {i + 1} must be an ASCII digit 0–9 (the sequence is 3 digits){IdentifierText.FullWidthHint(value[i])}";
                return false;
            }

            sequence = (sequence * 10) + (value[i] - '0');
        }

        if (sequence == 0)
        {
            error = $"{Name} sequence (positions 19–21) must be 001–999, got 000";
            return false;
        }

        code = new LicenseTypeCode(authority.Value + value[AuthorityLength..], authority, sequence);
        error = null;
        return true;
    }

    /// <summary>Creates a 证照类型代码 from the defining authority and a sequence number 1–999.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="authority"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="authority"/> was accepted only through an allow-list.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequence"/> is not 1–999.</exception>
    public static LicenseTypeCode Create(UnifiedSocialCreditCode authority, int sequence)
    {
        ArgumentNullException.ThrowIfNull(authority);
        if (!authority.IsCheckCharacterValid)
        {
            // Parse is strict, so an allow-listed authority would make a code that cannot be read back.
            throw new ArgumentException($"{Name} defining authority must have a valid check character", nameof(authority));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, 999);
        string value = string.Create(CultureInfo.InvariantCulture, $"{authority.Value}{sequence:D3}");
        return new LicenseTypeCode(value, authority, sequence);
    }

    /// <summary>Returns the canonical form, the same as <see cref="Value"/>.</summary>
    public override string ToString() => Value;

    /// <summary>Returns whether the other code has the same canonical value.</summary>
    public bool Equals(LicenseTypeCode? other) =>
        other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <summary>Returns whether the object is a 证照类型代码 with the same canonical value.</summary>
    public override bool Equals(object? obj) => Equals(obj as LicenseTypeCode);

    /// <summary>Returns a hash code of the canonical value.</summary>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns whether two codes are equal.</summary>
    public static bool operator ==(LicenseTypeCode? left, LicenseTypeCode? right) =>
        left is null ? right is null : left.Equals(right);

    /// <summary>Returns whether two codes differ.</summary>
    public static bool operator !=(LicenseTypeCode? left, LicenseTypeCode? right) => !(left == right);
}
