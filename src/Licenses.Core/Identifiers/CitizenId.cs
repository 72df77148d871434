using System.Diagnostics.CodeAnalysis;

namespace ElectronicLicense.Licenses.Identifiers;

/// <summary>A 公民身份号码 (citizen identification number) as defined by GB 11643-1999.</summary>
/// <remarks>
/// <para>
/// The canonical form is 18 characters: a 6-digit address code, an 8-digit birth date
/// (YYYYMMDD), a 3-digit sequence code and an ISO 7064 MOD 11-2 check character, written as
/// an upper-case 'X' when its value is 10. A lower-case 'x' is accepted on input.
/// </para>
/// <para>
/// Instances are validated once, when parsed or created, and are immutable. Equality is
/// ordinal on <see cref="Value"/>. Failure reasons name positions and expected characters but
/// never repeat the number, because it is holder data.
/// </para>
/// </remarks>
public sealed class CitizenId : IEquatable<CitizenId>
{
    private const string Name = "公民身份号码";
    private const int Length = 18;
    private const int MinimumBirthYear = 1800;

    // China Standard Time has had no daylight saving time since 1991, so a fixed offset is exact.
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    private CitizenId(string value, DateOnly birthDate)
    {
        Value = value;
        BirthDate = birthDate;
    }

    /// <summary>Gets the canonical 18-character number, with an upper-case check character.</summary>
    public string Value { get; }

    /// <summary>Gets the 6-digit address code (地址码), the first six digits.</summary>
    public string RegionCode => Value[..6];

    /// <summary>Gets the birth date (出生日期码), digits 7–14.</summary>
    public DateOnly BirthDate { get; }

    /// <summary>Gets whether the sequence code (顺序码) is odd, which GB 11643-1999 assigns to men.</summary>
    public bool IsMale => (Value[16] - '0') % 2 == 1;

    /// <summary>Gets the number with all but the first four and last four characters replaced by '*'.</summary>
    public string Masked => string.Concat(Value.AsSpan(0, 4), "**********", Value.AsSpan(14, 4));

    /// <summary>Parses a 公民身份号码, throwing <see cref="FormatException"/> with the reason when it is not valid.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="value"/> is not a valid 公民身份号码.</exception>
    public static CitizenId Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var id, out var error) ? id : throw new FormatException(error);
    }

    /// <summary>Tries to parse a 公民身份号码, judging "today" by the system clock.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? value,
        [NotNullWhen(true)] out CitizenId? id,
        [NotNullWhen(false)] out string? error) =>
        TryParse(value, TimeProvider.System, out id, out error);

    /// <summary>Tries to parse a 公民身份号码, judging "today" in China Standard Time by the given clock.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? value,
        TimeProvider clock,
        [NotNullWhen(true)] out CitizenId? id,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(clock);
        id = null;
        error = Validate(value, clock, out var birthDate);
        if (error is not null)
        {
            return false;
        }

        // Validate has checked the length and that the only letter is a check character 'X' or 'x'.
        id = new CitizenId(IdentifierText.ToAsciiUpper(value!), birthDate);
        return true;
    }

    /// <summary>Creates a 公民身份号码 from its first 17 digits by appending the computed check character.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="first17Digits"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The digits are not 17 ASCII digits with a real, past birth date.</exception>
    public static CitizenId Create(string first17Digits)
    {
        ArgumentNullException.ThrowIfNull(first17Digits);
        if (first17Digits.Length != Length - 1)
        {
            throw new ArgumentException(
                $"{Name} body must be 17 digits, got {first17Digits.Length} characters", nameof(first17Digits));
        }

        for (int i = 0; i < first17Digits.Length; i++)
        {
            if (!IdentifierText.IsAsciiDigit(first17Digits[i]))
            {
                throw new ArgumentException(
                    $"{Name} position {i + 1} must be an ASCII digit 0–9{IdentifierText.FullWidthHint(first17Digits[i])}",
                    nameof(first17Digits));
            }
        }

        string value = first17Digits + Iso7064.Mod11_2(first17Digits);
        return TryParse(value, TimeProvider.System, out var id, out var error)
            ? id
            : throw new ArgumentException(error, nameof(first17Digits));
    }

    /// <summary>Returns the canonical form, the same as <see cref="Value"/>.</summary>
    public override string ToString() => Value;

    /// <summary>Returns whether the other number has the same canonical value.</summary>
    public bool Equals(CitizenId? other) =>
        other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <summary>Returns whether the object is a 公民身份号码 with the same canonical value.</summary>
    public override bool Equals(object? obj) => Equals(obj as CitizenId);

    /// <summary>Returns a hash code of the canonical value.</summary>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns whether two numbers are equal.</summary>
    public static bool operator ==(CitizenId? left, CitizenId? right) =>
        left is null ? right is null : left.Equals(right);

    /// <summary>Returns whether two numbers differ.</summary>
    public static bool operator !=(CitizenId? left, CitizenId? right) => !(left == right);

    private static string? Validate(string? value, TimeProvider clock, out DateOnly birthDate)
    {
        birthDate = default;
        if (string.IsNullOrEmpty(value))
        {
            return $"{Name} is required";
        }

        // Surrounding white space is reported rather than trimmed: a stored number must match what was checked.
        if (IdentifierText.HasSurroundingWhiteSpace(value))
        {
            return $"{Name} must not have leading or trailing white space";
        }

        // GB 11643-1999 §5.1: 十七位数字本体码和一位校验码 (17 body digits and one check character).
        if (value.Length != Length)
        {
            return $"{Name} must be 18 characters, got {value.Length}";
        }

        for (int i = 0; i < Length - 1; i++)
        {
            // GB 11643-1999 §5.1: the body is digits only; full-width digits are not ASCII digits.
            if (!IdentifierText.IsAsciiDigit(value[i]))
            {
                return $"{Name} position {i + 1} must be an ASCII digit 0–9{IdentifierText.FullWidthHint(value[i])}";
            }
        }

        // GB 11643-1999 §5.5: the check character is 0–9 or X (the value 10); 'x' is read as 'X'.
        char check = IdentifierText.ToAsciiUpper(value[Length - 1]);
        if (!IdentifierText.IsAsciiDigit(check) && check != 'X')
        {
            return $"{Name} position 18 (check character) must be a digit 0–9 or X{IdentifierText.FullWidthHint(check)}";
        }

        // GB 11643-1999 §5.3: 出生日期码 is YYYYMMDD per GB/T 7408, with no separators.
        int year = ReadNumber(value, 6, 4);
        int month = ReadNumber(value, 10, 2);
        int day = ReadNumber(value, 12, 2);
        // GB 11643-1999 sets no earliest year; 1800 predates every living holder and catches a mistyped century.
        if (year < MinimumBirthYear)
        {
            return $"{Name} birth year (positions 7–10) must be {MinimumBirthYear} or later";
        }

        if (month is < 1 or > 12)
        {
            return $"{Name} birth month (positions 11–12) must be 01–12";
        }

        int daysInMonth = DateTime.DaysInMonth(year, month);
        if (day < 1 || day > daysInMonth)
        {
            return $"{Name} birth day (positions 13–14) must be 01–{daysInMonth} for that month";
        }

        birthDate = new DateOnly(year, month, day);

        // GB 11643-1999 §5.3: 表示编码对象出生的年、月、日 — a birth cannot be later than today in China.
        var today = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(ChinaStandardTime).DateTime);
        if (birthDate > today)
        {
            return $"{Name} birth date (positions 7–14) must not be after today (China Standard Time)";
        }

        // GB 11643-1999 §5.5: 按照 ISO 7064:1983 MOD 11-2 校验码系统 over the 17 body digits.
        char expected = Iso7064.Mod11_2(value.AsSpan(0, Length - 1));
        if (check != expected)
        {
            return $"{Name} check character should be '{expected}', got '{check}'";
        }

        return null;
    }

    private static int ReadNumber(string value, int start, int count)
    {
        int result = 0;
        for (int i = start; i < start + count; i++)
        {
            result = (result * 10) + (value[i] - '0');
        }

        return result;
    }
}
