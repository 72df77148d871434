using ElectronicLicense.Licenses.Identifiers;
using FsCheck.Xunit;

namespace ElectronicLicense.Licenses.Tests.Identifiers;

[Properties(Arbitrary = new[] { typeof(IdentifierArbitraries) })]
public class LicenseIdTests
{
    private const string BusinessLicense = "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0";
    private const string HunanLicense = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U";

    // The dot widens substitutions beyond the characters of the parts.
    private const string SubstitutionAlphabet = IdentifierGenerators.Alphanumeric + ".";

    [Fact]
    public void Known_identifiers_parse_into_their_parts()
    {
        var id = LicenseId.Parse(BusinessLicense);

        Assert.Equal(BusinessLicense, id.Value);
        Assert.Equal(BusinessLicense, id.ToString());
        Assert.Equal(LicenseTypeCode.Parse("11100000000013338W009"), id.TypeCode);
        Assert.Equal(UnifiedSocialCreditCode.Parse("11330105002500287C"), id.Issuer);
        Assert.Equal("2025052201", id.Serial);
        Assert.Equal(2, id.Version);
        Assert.Equal('0', id.CheckCharacter);
        Assert.Equal("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201", id.SeriesKey);

        var hunan = LicenseId.Parse(HunanLicense);
        Assert.Equal("20230000403", hunan.Serial);
        Assert.Equal(1, hunan.Version);
        Assert.Equal('U', hunan.CheckCharacter);
    }

    [Theory]
    [InlineData("11100000000013338W009", "11330105002500287C", "2025052201", 2, BusinessLicense)]
    [InlineData("11100000000013338W011", "11430000006122244L", "20230000403", 1, HunanLicense)]
    public void Create_reproduces_the_check_character_of_the_known_identifiers(
        string type, string issuer, string serial, int version, string expected)
    {
        // Both samples are reproduced only by MOD 37,36 over type + issuer + serial + version, without dots
        // or prefix; with the prefix the checks would be 'D' and '7', without the version '5' and '4'.
        var id = LicenseId.Create(LicenseTypeCode.Parse(type), UnifiedSocialCreditCode.Parse(issuer), serial, version);

        Assert.Equal(expected, id.Value);
    }

    [Fact]
    public void WithVersion_keeps_the_series_and_recomputes_the_check_character()
    {
        var first = LicenseId.Parse(BusinessLicense).WithVersion(1);
        var second = first.WithVersion(2);

        Assert.Equal(1, first.Version);
        Assert.EndsWith(".001." + first.CheckCharacter, first.Value, StringComparison.Ordinal);
        Assert.Equal(first.SeriesKey, second.SeriesKey);
        Assert.Equal(LicenseId.Parse(BusinessLicense), second);
        Assert.Equal(first, LicenseId.Parse(first.Value));
    }

    [Property]
    public bool Generated_identifiers_round_trip_through_their_canonical_form(LicenseId id)
    {
        var parsed = LicenseId.Parse(id.ToString());
        return parsed == id
            && parsed.GetHashCode() == id.GetHashCode()
            && parsed.SeriesKey == id.SeriesKey
            && parsed.Value.StartsWith(parsed.SeriesKey + ".", StringComparison.Ordinal)
            && LicenseId.Parse(id.Value.ToLowerInvariant()) == id
            && LicenseId.Parse(id.Value.ToLowerInvariant()).Value == id.Value
            && id.WithVersion(id.Version) == id;
    }

    // MOD 37,36 detects every single substitution; prefix and dots are checked structurally.
    [Property]
    public void Single_character_substitution_is_rejected(LicenseId id)
    {
        foreach (var (position, mutant) in IdentifierGenerators.Substitutions(id.Value, SubstitutionAlphabet))
        {
            Assert.False(LicenseId.TryParse(mutant, out _, out _), $"substitution at {position + 1} accepted: {mutant}");
        }
    }

    [Fact]
    public void Substitution_in_the_known_identifiers_is_rejected()
    {
        foreach (string value in new[] { BusinessLicense, HunanLicense })
        {
            foreach (var (position, mutant) in IdentifierGenerators.Substitutions(value, SubstitutionAlphabet))
            {
                Assert.False(LicenseId.TryParse(mutant, out _, out _), $"substitution at {position + 1} accepted: {mutant}");
            }
        }
    }

    // What holds: MOD 37,36 catches an adjacent swap of a ≠ b in every running state unless
    // a − b ≡ ±1 (mod 36) (0↔1 … 9↔A … Y↔Z, Z↔0); those escape in exactly one state of 36.
    // Inside type code and issuer the 统一社会信用代码 check catches every adjacent swap, and a swap
    // that moves a dot breaks the fixed part lengths. So an accepted swap must be of alphabet
    // neighbours in the type sequence, the serial or the version.
    [Property]
    public void Adjacent_transposition_is_rejected_unless_it_swaps_alphabet_neighbours_outside_the_credit_codes(LicenseId id)
    {
        int typeStart = LicenseId.Prefix.Length + 1;
        int issuerStart = typeStart + 22;
        int issuerEnd = issuerStart + 18;
        foreach (var (position, mutant) in IdentifierGenerators.AdjacentTranspositions(id.Value))
        {
            if (!LicenseId.TryParse(mutant, out _, out _))
            {
                continue;
            }

            bool inCreditCode = (position >= typeStart && position + 1 < typeStart + 18)
                || (position >= issuerStart && position + 1 < issuerEnd);
            Assert.False(inCreditCode, $"swap at {position + 1} inside a 统一社会信用代码 accepted: {mutant}");
            Assert.True(
                AreAlphabetNeighbours(id.Value[position], id.Value[position + 1]),
                $"swap at {position + 1} of non-neighbours accepted: {mutant}");
        }
    }

    [Fact]
    public void Swapping_alphabet_neighbours_in_the_serial_can_go_undetected()
    {
        // Not guaranteed, and this documents it: serials 2025000078 and 2025000087 share check 'I'.
        const string Series = "1.2.156.3005.2.11100000000013338W009.11330105002500287C.";
        var a = LicenseId.Parse(Series + "2025000078.001.I");
        var b = LicenseId.Parse(Series + "2025000087.001.I");

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Wrong_check_character_names_the_expected_one()
    {
        Assert.False(LicenseId.TryParse(HunanLicense[..^1] + "7", out _, out var error));

        Assert.Equal("证照标识 check character should be 'U', got '7'", error);
    }

    [Theory]
    [InlineData("1.2.156.3005.3.11100000000013338W009.11330105002500287C.2025052201.002.0", "证照标识 must start with '1.2.156.3005.2.'")]
    [InlineData("11100000000013338W009.11330105002500287C.2025052201.002.0", "证照标识 must start with '1.2.156.3005.2.'")]
    [InlineData("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002", "证照标识 must have 5 dot-separated parts after '1.2.156.3005.2.' (type code, issuer, serial, version, check character), got 4")]
    [InlineData("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0.0", "证照标识 must have 5 dot-separated parts after '1.2.156.3005.2.' (type code, issuer, serial, version, check character), got 6")]
    [InlineData("1.2.156.3005.2.11100000000013338W000.11330105002500287C.2025052201.002.0", "证照标识 type code: 证照类型代码 sequence (positions 19–21) must be 001–999, got 000")]
    [InlineData("1.2.156.3005.2.11100000000013338W009.11330105002500287D.2025052201.002.0", "证照标识 issuer: 统一社会信用代码 check character should be 'C', got 'D'")]
    [InlineData("1.2.156.3005.2.11100000000013338W009.11330105002500287C..002.0", "证照标识 serial must be 1–20 characters, got 0")]
    [InlineData("1.2.156.3005.2.11100000000013338W009.11330105002500287C.202505220120250522012.002.0", "证照标识 serial must be 1–20 characters, got 21")]
    [InlineData("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025-52201.002.0", "证照标识 serial position 5 must be 0–9 or A–Z, got '-'")]
    [InlineData("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.02.0", "证照标识 version must be 3 digits 001–999")]
    [InlineData("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.000.0", "证照标识 version must be 001–999, got 000")]
    [InlineData("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.", "证照标识 check character must be a single character 0–9 or A–Z")]
    [InlineData("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.00", "证照标识 check character must be a single character 0–9 or A–Z")]
    [InlineData(" " + BusinessLicense, "证照标识 must not have leading or trailing white space")]
    [InlineData("", "证照标识 is required")]
    [InlineData(null, "证照标识 is required")]
    public void Malformed_identifiers_are_rejected_with_a_reason(string? value, string reason)
    {
        Assert.False(LicenseId.TryParse(value, out var id, out var error));

        Assert.Null(id);
        Assert.Equal(reason, error);
    }

    [Fact]
    public void Create_validates_its_arguments()
    {
        var type = LicenseTypeCode.Parse("11100000000013338W009");
        var issuer = UnifiedSocialCreditCode.Parse("11330105002500287C");

        Assert.Throws<ArgumentException>(() => LicenseId.Create(type, issuer, "", 1));
        Assert.Throws<ArgumentException>(() => LicenseId.Create(type, issuer, "2025.1", 1));
        Assert.Throws<ArgumentException>(() => LicenseId.Create(type, issuer, "2025a", 1));
        Assert.Throws<ArgumentException>(() => LicenseId.Create(type, issuer, new string('1', 21), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LicenseId.Create(type, issuer, "1", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LicenseId.Create(type, issuer, "1", 1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => LicenseId.Parse(BusinessLicense).WithVersion(0));
        Assert.Throws<ArgumentNullException>(() => LicenseId.Create(type, issuer, null!, 1));
    }

    [Fact]
    public void Create_rejects_an_issuer_accepted_only_through_the_allow_list()
    {
        var type = LicenseTypeCode.Parse("11100000000013338W009");
        var allowList = new UsccAllowList(["11330105002500287D"]);
        Assert.True(UnifiedSocialCreditCode.TryParse("11330105002500287D", allowList, out var issuer, out _));

        Assert.Throws<ArgumentException>(() => LicenseId.Create(type, issuer, "2025052201", 1));
    }

    [Fact]
    public void Parse_throws_FormatException_with_the_reason()
    {
        var ex = Assert.Throws<FormatException>(() => LicenseId.Parse(HunanLicense[..^1] + "7"));

        Assert.Equal("证照标识 check character should be 'U', got '7'", ex.Message);
    }

    private static bool AreAlphabetNeighbours(char a, char b)
    {
        int difference = IdentifierGenerators.Alphanumeric.IndexOf(a, StringComparison.Ordinal)
            - IdentifierGenerators.Alphanumeric.IndexOf(b, StringComparison.Ordinal);
        return Math.Abs(difference) is 1 or 35;
    }
}
