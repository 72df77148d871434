using System.Collections.ObjectModel;
using System.Globalization;

namespace ElectronicLicense.Licenses.Identifiers;

/// <summary>Recognises which identifier a value is meant to be and says whether it is valid, for tools such as <c>elic id check</c>.</summary>
public static class IdentifierInspector
{
    /// <summary>Detail key naming the other kind an 18-character value is also valid as.</summary>
    public const string AlsoValidAsKey = "AlsoValidAs";

    /// <summary>Inspects a value, treating a 统一社会信用代码 strictly.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static IdentifierInspection Inspect(string value) => Inspect(value, UsccAllowList.Empty);

    /// <summary>Inspects a value, accepting a failed 统一社会信用代码 check character for allow-listed codes.</summary>
    /// <remarks>
    /// The kind is guessed from the shape of the value with surrounding white space ignored: a dot
    /// means a 证照标识, 21 characters a 证照类型代码, and 18 characters a 公民身份号码 or a
    /// 统一社会信用代码. The value itself is then parsed as given, so surrounding white space is
    /// reported as the reason it is not valid.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> or <paramref name="allowList"/> is <see langword="null"/>.</exception>
    public static IdentifierInspection Inspect(string value, UsccAllowList allowList)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(allowList);

        string shape = value.Trim();
        if (shape.Length == 0)
        {
            return Invalid(IdentifierKind.Unknown, value, "value is empty");
        }

        if (shape.Contains('.', StringComparison.Ordinal))
        {
            return LicenseId.TryParse(value, out var id, out var error)
                ? Valid(IdentifierKind.LicenseId, id.Value, Describe(id))
                : Invalid(IdentifierKind.LicenseId, value, error);
        }

        return shape.Length switch
        {
            21 => LicenseTypeCode.TryParse(value, out var type, out var error)
                ? Valid(IdentifierKind.LicenseTypeCode, type.Value, Describe(type))
                : Invalid(IdentifierKind.LicenseTypeCode, value, error),
            18 => InspectEighteen(value, shape, allowList),
            _ => Invalid(
                IdentifierKind.Unknown,
                value,
                $"expected 18 characters (公民身份号码 or 统一社会信用代码), 21 (证照类型代码) or a 证照标识 starting with '{LicenseId.Prefix}.', got {shape.Length} characters"),
        };
    }

    private static IdentifierInspection InspectEighteen(string value, string shape, UsccAllowList allowList)
    {
        UnifiedSocialCreditCode.TryParse(value, allowList, out var code, out var codeError);

        // An all-digit value can satisfy both check systems; report the 公民身份号码 reading and say so.
        if (CitizenId.TryParse(value, out var citizen, out var citizenError))
        {
            var details = Describe(citizen);
            if (code is not null)
            {
                details[AlsoValidAsKey] = nameof(IdentifierKind.UnifiedSocialCreditCode);
            }

            return Valid(IdentifierKind.CitizenId, citizen.Value, details);
        }

        if (code is not null)
        {
            return Valid(IdentifierKind.UnifiedSocialCreditCode, code.Value, Describe(code));
        }

        return LooksLikeCitizenId(shape)
            ? Invalid(IdentifierKind.CitizenId, value, citizenError)
            : Invalid(IdentifierKind.UnifiedSocialCreditCode, value, codeError!);
    }

    // A 公民身份号码 is 17 digits, then a digit or X, with a birth year of 18xx–20xx at positions 7–10.
    // Full-width digits still count here so that the reason given is the 公民身份号码 one.
    private static bool LooksLikeCitizenId(string shape)
    {
        for (int i = 0; i < 17; i++)
        {
            if (!IsAnyDigit(shape[i]))
            {
                return false;
            }
        }

        char last = IdentifierText.ToAsciiUpper(shape[17]);
        if (!IsAnyDigit(last) && last != 'X')
        {
            return false;
        }

        int century = (DigitValue(shape[6]) * 10) + DigitValue(shape[7]);
        return century is >= 18 and <= 20;
    }

    private static bool IsAnyDigit(char c) => IdentifierText.IsAsciiDigit(c) || IdentifierText.IsFullWidthDigit(c);

    private static int DigitValue(char c) => IdentifierText.IsAsciiDigit(c) ? c - '0' : c - '\uFF10';

    private static Dictionary<string, string> Describe(CitizenId id) => new(StringComparer.Ordinal)
    {
        ["RegionCode"] = id.RegionCode,
        ["BirthDate"] = id.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["Sex"] = id.IsMale ? "male" : "female",
        ["Masked"] = id.Masked,
    };

    private static Dictionary<string, string> Describe(UnifiedSocialCreditCode code) => new(StringComparer.Ordinal)
    {
        ["RegistrationAuthority"] = code.RegistrationAuthority.ToString(),
        ["OrganizationCategory"] = code.OrganizationCategory.ToString(),
        ["RegionCode"] = code.RegionCode,
        ["OrganizationCode"] = code.OrganizationCode,
        ["CheckCharacterValid"] = code.IsCheckCharacterValid ? "true" : "false",
    };

    private static Dictionary<string, string> Describe(LicenseTypeCode type) => new(StringComparer.Ordinal)
    {
        ["Authority"] = type.Authority.Value,
        ["Sequence"] = type.Sequence.ToString("D3", CultureInfo.InvariantCulture),
    };

    private static Dictionary<string, string> Describe(LicenseId id) => new(StringComparer.Ordinal)
    {
        ["TypeCode"] = id.TypeCode.Value,
        ["Issuer"] = id.Issuer.Value,
        ["Serial"] = id.Serial,
        ["Version"] = id.Version.ToString("D3", CultureInfo.InvariantCulture),
        ["CheckCharacter"] = id.CheckCharacter.ToString(),
        ["SeriesKey"] = id.SeriesKey,
    };

    private static IdentifierInspection Valid(IdentifierKind kind, string canonical, Dictionary<string, string> details) =>
        new(kind, IsValid: true, canonical, Reason: null, details.AsReadOnly());

    private static IdentifierInspection Invalid(IdentifierKind kind, string value, string reason) =>
        new(kind, IsValid: false, value, reason, ReadOnlyDictionary<string, string>.Empty);
}
