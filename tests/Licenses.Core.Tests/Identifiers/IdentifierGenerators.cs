using System.Globalization;
using ElectronicLicense.Licenses.Identifiers;
using FsCheck;
using FsCheck.Fluent;

namespace ElectronicLicense.Licenses.Tests.Identifiers;

/// <summary>FsCheck generators of valid identifiers, built through the public factories.</summary>
internal static class IdentifierGenerators
{
    public const string Digits = "0123456789";
    public const string UsccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    public const string Alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static readonly DateOnly EarliestBirth = new(1800, 1, 1);

    // Safely in the past for any clock the suite runs under.
    private static readonly DateOnly LatestBirth = new(2024, 12, 31);

    public static Gen<string> StringOf(string alphabet, int length) =>
        Gen.Elements(alphabet.ToCharArray()).ArrayOf(length).Select(chars => new string(chars));

    public static Gen<CitizenId> CitizenIds { get; } =
        from region in Gen.Choose(110000, 829999)
        from day in Gen.Choose(EarliestBirth.DayNumber, LatestBirth.DayNumber)
        from sequence in Gen.Choose(0, 999)
        select CitizenId.Create(string.Create(
            CultureInfo.InvariantCulture,
            $"{region:D6}{DateOnly.FromDayNumber(day):yyyyMMdd}{sequence:D3}"));

    public static Gen<UnifiedSocialCreditCode> CreditCodes { get; } =
        StringOf(UsccCharset, 17).Select(UnifiedSocialCreditCode.Create);

    public static Gen<LicenseTypeCode> TypeCodes { get; } =
        from authority in CreditCodes
        from sequence in Gen.Choose(1, 999)
        select LicenseTypeCode.Create(authority, sequence);

    // Registry serials are digits (2025000001); the full 0–9 A–Z alphabet is exercised too.
    public static Gen<string> Serials { get; } =
        from length in Gen.Choose(1, 20)
        from alphabet in Gen.Elements(Digits, Alphanumeric)
        from serial in StringOf(alphabet, length)
        select serial;

    public static Gen<LicenseId> LicenseIds { get; } =
        from type in TypeCodes
        from issuer in CreditCodes
        from serial in Serials
        from version in Gen.Choose(1, 999)
        select LicenseId.Create(type, issuer, serial, version);

    /// <summary>Returns every string made by replacing one character with another character of the alphabet.</summary>
    public static IEnumerable<(int Position, string Mutant)> Substitutions(string value, string alphabet)
    {
        for (int i = 0; i < value.Length; i++)
        {
            foreach (char c in alphabet)
            {
                if (c != value[i])
                {
                    yield return (i, string.Concat(value.AsSpan(0, i), [c], value.AsSpan(i + 1)));
                }
            }
        }
    }

    /// <summary>Returns every string made by swapping two different adjacent characters.</summary>
    public static IEnumerable<(int Position, string Mutant)> AdjacentTranspositions(string value)
    {
        for (int i = 0; i + 1 < value.Length; i++)
        {
            if (value[i] != value[i + 1])
            {
                yield return (i, Swap(value, i, i + 1));
            }
        }
    }

    public static string Swap(string value, int i, int j)
    {
        char[] chars = value.ToCharArray();
        (chars[i], chars[j]) = (chars[j], chars[i]);
        return new string(chars);
    }
}

/// <summary>The identifier generators as the Arbitrary instances the <c>[Property]</c> tests draw from (no shrinking, as before).</summary>
internal static class IdentifierArbitraries
{
    public static Arbitrary<CitizenId> CitizenId() => IdentifierGenerators.CitizenIds.ToArbitrary();

    public static Arbitrary<UnifiedSocialCreditCode> UnifiedSocialCreditCode() => IdentifierGenerators.CreditCodes.ToArbitrary();

    public static Arbitrary<LicenseTypeCode> LicenseTypeCode() => IdentifierGenerators.TypeCodes.ToArbitrary();

    public static Arbitrary<LicenseId> LicenseId() => IdentifierGenerators.LicenseIds.ToArbitrary();
}
