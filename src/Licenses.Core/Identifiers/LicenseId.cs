using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ElectronicLicense.Licenses.Identifiers;

/// <summary>A 证照标识 (electronic license identifier) in the GB/T 36904 form.</summary>
/// <remarks>
/// <para>
/// The canonical form is
/// <c>1.2.156.3005.2.{type code}.{issuer}.{serial}.{version}.{check}</c>, for example
/// <c>1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0</c>: a
/// 证照类型代码, the issuing authority's 统一社会信用代码 (both strict), a serial of 1–20
/// characters 0–9 A–Z, a version 001–999 and a check character 0–9 A–Z. Lower-case input
/// is accepted and normalised.
/// </para>
/// <para>
/// The check character is ISO/IEC 7064 MOD 37,36 (the hybrid system: P₀ = 36;
/// S = (P + a) mod 36, read as 36 when 0; P = 2S mod 37; the check a makes (P + a) mod 36 = 1)
/// computed over type code, issuer, serial and version concatenated without dots and without
/// the <see cref="Prefix"/>. That reading is the one that reproduces the check characters of
/// the published samples …2025052201.002 → '0' and …20230000403.001 → 'U'; including the
/// prefix, or leaving out the version, does not. The type code and issuer have fixed lengths
/// and the version has exactly three digits, so the undotted string still splits one way only.
/// </para>
/// <para>
/// MOD 37,36 detects every single-character substitution. It does not detect every adjacent
/// transposition: swapping two characters whose values are neighbours (such as 0 and 1, 9 and A,
/// or Z and 0) goes unnoticed in 1 of the 36 possible running states. Inside the type code and
/// issuer such a swap is still caught by the 统一社会信用代码 check.
/// </para>
/// </remarks>
public sealed class LicenseId : IEquatable<LicenseId>
{
    /// <summary>The object identifier arc under which every 证照标识 is issued.</summary>
    public const string Prefix = "1.2.156.3005.2";

    private const string Name = "证照标识";
    private const int MaxSerialLength = 20;
    private const int PartCount = 5;

    private LicenseId(LicenseTypeCode typeCode, UnifiedSocialCreditCode issuer, string serial, int version, char checkCharacter)
    {
        TypeCode = typeCode;
        Issuer = issuer;
        Serial = serial;
        Version = version;
        CheckCharacter = checkCharacter;
        SeriesKey = $"{Prefix}.{typeCode.Value}.{issuer.Value}.{serial}";
        Value = string.Create(CultureInfo.InvariantCulture, $"{SeriesKey}.{version:D3}.{checkCharacter}");
    }

    /// <summary>Gets the canonical identifier.</summary>
    public string Value { get; }

    /// <summary>Gets the 证照类型代码 of the license.</summary>
    public LicenseTypeCode TypeCode { get; }

    /// <summary>Gets the 统一社会信用代码 of the issuing authority.</summary>
    public UnifiedSocialCreditCode Issuer { get; }

    /// <summary>Gets the serial of 1–20 characters 0–9 A–Z that the issuer gave the license.</summary>
    public string Serial { get; }

    /// <summary>Gets the version 1–999, written as three digits.</summary>
    public int Version { get; }

    /// <summary>Gets the ISO/IEC 7064 MOD 37,36 check character.</summary>
    public char CheckCharacter { get; }

    /// <summary>Gets the part shared by every version of the license: prefix, type code, issuer and serial.</summary>
    public string SeriesKey { get; }

    /// <summary>Creates a 证照标识 from its parts by computing the check character.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="type"/>, <paramref name="issuer"/> or <paramref name="serial"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The serial is not 1–20 characters 0–9 A–Z, or the issuer was accepted only through an allow-list.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not 1–999.</exception>
    public static LicenseId Create(LicenseTypeCode type, UnifiedSocialCreditCode issuer, string serial, int version)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(serial);
        if (!issuer.IsCheckCharacterValid)
        {
            // Parse is strict, so an allow-listed issuer would make an identifier that cannot be read back.
            throw new ArgumentException($"{Name} issuer must have a valid check character", nameof(issuer));
        }

        string? serialError = ValidateSerial(serial);
        if (serialError is not null)
        {
            throw new ArgumentException(serialError, nameof(serial));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(version, 999);
        return new LicenseId(type, issuer, serial, version, ComputeCheck(type, issuer, serial, version));
    }

    /// <summary>Returns the identifier of another version of the same license, with its check character recomputed.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not 1–999.</exception>
    public LicenseId WithVersion(int version) => Create(TypeCode, Issuer, Serial, version);

    /// <summary>Parses a 证照标识, throwing <see cref="FormatException"/> with the reason when it is not valid.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="value"/> is not a valid 证照标识.</exception>
    public static LicenseId Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var id, out var error) ? id : throw new FormatException(error);
    }

    /// <summary>Tries to parse a 证照标识.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? value,
        [NotNullWhen(true)] out LicenseId? id,
        [NotNullWhen(false)] out string? error)
    {
        error = TryParseCore(value, out id);
        return error is null;
    }

    /// <summary>Returns the canonical form, the same as <see cref="Value"/>.</summary>
    public override string ToString() => Value;

    /// <summary>Returns whether the other identifier has the same canonical value.</summary>
    public bool Equals(LicenseId? other) =>
        other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <summary>Returns whether the object is a 证照标识 with the same canonical value.</summary>
    public override bool Equals(object? obj) => Equals(obj as LicenseId);

    /// <summary>Returns a hash code of the canonical value.</summary>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns whether two identifiers are equal.</summary>
    public static bool operator ==(LicenseId? left, LicenseId? right) =>
        left is null ? right is null : left.Equals(right);

    /// <summary>Returns whether two identifiers differ.</summary>
    public static bool operator !=(LicenseId? left, LicenseId? right) => !(left == right);

    private static string? TryParseCore(string? value, out LicenseId? id)
    {
        id = null;
        if (string.IsNullOrEmpty(value))
        {
            return $"{Name} is required";
        }

        if (IdentifierText.HasSurroundingWhiteSpace(value))
        {
            return $"{Name} must not have leading or trailing white space";
        }

        string upper = IdentifierText.ToAsciiUpper(value);

        // GB/T 36904: every 证照标识 sits under the arc 1.2.156.3005.2.
        if (!upper.StartsWith(Prefix + ".", StringComparison.Ordinal))
        {
            return $"{Name} must start with '{Prefix}.'";
        }

        // GB/T 36904: after the arc come type code, issuer, serial, version and check character, separated by dots.
        string[] parts = upper[(Prefix.Length + 1)..].Split('.');
        if (parts.Length != PartCount)
        {
            return $"{Name} must have {PartCount} dot-separated parts after '{Prefix}.' (type code, issuer, serial, version, check character), got {parts.Length}";
        }

        if (!LicenseTypeCode.TryParse(parts[0], out var type, out var typeError))
        {
            return $"{Name} type code: {typeError}";
        }

        if (!UnifiedSocialCreditCode.TryParse(parts[1], out var issuer, out var issuerError))
        {
            return $"{Name} issuer: {issuerError}";
        }

        string serial = parts[2];
        string? serialError = ValidateSerial(serial);
        if (serialError is not null)
        {
            return serialError;
        }

        string version = parts[3];
        if (version.Length != 3 || !IdentifierText.IsAsciiDigit(version[0])
            || !IdentifierText.IsAsciiDigit(version[1]) || !IdentifierText.IsAsciiDigit(version[2]))
        {
            return $"{Name} version must be 3 digits 001–999";
        }

        int versionNumber = ((version[0] - '0') * 100) + ((version[1] - '0') * 10) + (version[2] - '0');
        if (versionNumber == 0)
        {
            return $"{Name} version must be 001–999, got 000";
        }

        string check = parts[4];
        if (check.Length != 1 || !IsAlphanumeric(check[0]))
        {
            return $"{Name} check character must be a single character 0–9 or A–Z";
        }

        // ISO/IEC 7064 MOD 37,36 over type code, issuer, serial and version without dots (see remarks).
        char expected = ComputeCheck(type, issuer, serial, versionNumber);
        if (check[0] != expected)
        {
            return $"{Name} check character should be '{expected}', got '{check[0]}'";
        }

        id = new LicenseId(type, issuer, serial, versionNumber, expected);
        return null;
    }

    private static string? ValidateSerial(string serial)
    {
        if (serial.Length is 0 or > MaxSerialLength)
        {
            return $"{Name} serial must be 1–{MaxSerialLength} characters, got {serial.Length}";
        }

        for (int i = 0; i < serial.Length; i++)
        {
            if (!IsAlphanumeric(serial[i]))
            {
                return $"{Name} serial position {i + 1} must be 0–9 or A–Z, got {IdentifierText.Describe(serial[i])}";
            }
        }

        return null;
    }

    private static bool IsAlphanumeric(char c) => IdentifierText.IsAsciiDigit(c) || IdentifierText.IsAsciiUpper(c);

    private static char ComputeCheck(LicenseTypeCode type, UnifiedSocialCreditCode issuer, string serial, int version)
    {
        Span<char> versionDigits = ['0', '0', '0'];
        versionDigits[0] = (char)('0' + (version / 100));
        versionDigits[1] = (char)('0' + (version / 10 % 10));
        versionDigits[2] = (char)('0' + (version % 10));

        int state = Iso7064.Mod37_36Start();
        state = Iso7064.Mod37_36Append(state, type.Value);
        state = Iso7064.Mod37_36Append(state, issuer.Value);
        state = Iso7064.Mod37_36Append(state, serial);
        state = Iso7064.Mod37_36Append(state, versionDigits);
        return Iso7064.Mod37_36Check(state);
    }
}
