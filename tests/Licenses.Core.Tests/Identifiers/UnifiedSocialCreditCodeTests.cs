using ElectronicLicense.Licenses.Identifiers;
using FsCheck.Xunit;

namespace ElectronicLicense.Licenses.Tests.Identifiers;

[Properties(Arbitrary = new[] { typeof(IdentifierArbitraries) })]
public class UnifiedSocialCreditCodeTests
{
    [Fact]
    public void Known_codes_parse_into_their_parts()
    {
        var code = UnifiedSocialCreditCode.Parse("91110000600037341L");

        Assert.Equal("91110000600037341L", code.Value);
        Assert.Equal("91110000600037341L", code.ToString());
        Assert.Equal('9', code.RegistrationAuthority);
        Assert.Equal('1', code.OrganizationCategory);
        Assert.Equal("110000", code.RegionCode);
        Assert.Equal("600037341", code.OrganizationCode);
        Assert.True(code.IsCheckCharacterValid);

        var ministry = UnifiedSocialCreditCode.Parse("11100000000013338W");
        Assert.Equal('1', ministry.RegistrationAuthority);
        Assert.Equal('1', ministry.OrganizationCategory);
        Assert.Equal("100000", ministry.RegionCode);
        Assert.Equal("000013338", ministry.OrganizationCode);
    }

    [Theory]
    [InlineData("91110000600037341", 'L')]
    [InlineData("11100000000013338", 'W')]
    [InlineData("11330105002500287", 'C')]
    [InlineData("11430000006122244", 'L')]
    public void Check_character_of_known_codes_is_computed(string first17, char check)
    {
        Assert.Equal(check, UnifiedSocialCreditCode.ComputeCheckCharacter(first17));
        Assert.Equal(first17 + check, UnifiedSocialCreditCode.Create(first17).Value);
    }

    [Fact]
    public void Check_value_31_is_written_as_0()
    {
        // When Σ ≡ 0 (mod 31) the formula gives 31 − 0 = 31, which GB 32100-2015 writes as '0'.
        Assert.Equal('0', UnifiedSocialCreditCode.ComputeCheckCharacter("00000000000000000"));
        Assert.True(UnifiedSocialCreditCode.TryParse("000000000000000000", out _, out _));
    }

    [Fact]
    public void Lowercase_input_is_normalised()
    {
        var code = UnifiedSocialCreditCode.Parse("91110000600037341l");

        Assert.Equal("91110000600037341L", code.Value);
        Assert.Equal('L', UnifiedSocialCreditCode.ComputeCheckCharacter("91110000600037341"));
        Assert.Equal("11100000000013338W", UnifiedSocialCreditCode.Create("11100000000013338").Value);
    }

    [Property]
    public bool Generated_codes_round_trip_through_their_canonical_form(UnifiedSocialCreditCode code)
    {
        var parsed = UnifiedSocialCreditCode.Parse(code.ToString());
        return parsed == code
            && parsed.GetHashCode() == code.GetHashCode()
            && parsed.IsCheckCharacterValid
            && UnifiedSocialCreditCode.Parse(code.Value.ToLowerInvariant()) == code
            && UnifiedSocialCreditCode.Parse(code.Value.ToLowerInvariant()).Value == code.Value;
    }

    // Weights 3^i mod 31 are non-zero modulo the prime 31 and two charset values differ by less than 31.
    [Property]
    public bool Single_character_substitution_is_rejected(UnifiedSocialCreditCode code) =>
        IdentifierGenerators.Substitutions(code.Value, IdentifierGenerators.UsccCharset)
            .All(m => !UnifiedSocialCreditCode.TryParse(m.Mutant, out _, out _));

    // Guaranteed: wᵢ₊₁ = 3wᵢ, so a swap of values a ≠ b changes the sum by (a − b)(wᵢ − wᵢ₊₁) =
    // −2wᵢ(a − b) ≢ 0 (mod 31). The check character acts with weight 1 (Σ + C18 ≡ 0), and 28 − 1 ≢ 0,
    // so swapping it with position 17 is caught as well.
    [Property]
    public bool Adjacent_transposition_is_rejected(UnifiedSocialCreditCode code) =>
        IdentifierGenerators.AdjacentTranspositions(code.Value)
            .All(m => !UnifiedSocialCreditCode.TryParse(m.Mutant, out _, out _));

    // 3 is a primitive root modulo 31, so the weights of positions 1–17 are all different; the only
    // repeated weight is the check character's implicit 1, which equals position 1's weight 3⁰.
    [Property]
    public void Any_transposition_except_first_with_check_character_is_rejected(UnifiedSocialCreditCode code)
    {
        string value = code.Value;
        for (int i = 0; i < value.Length; i++)
        {
            for (int j = i + 1; j < value.Length; j++)
            {
                if (value[i] != value[j] && !(i == 0 && j == 17))
                {
                    Assert.False(UnifiedSocialCreditCode.TryParse(IdentifierGenerators.Swap(value, i, j), out _, out _));
                }
            }
        }
    }

    // Not guaranteed, and this documents it: both carry weight 1, so the sum is unchanged.
    [Property]
    public bool Swapping_first_and_check_characters_goes_undetected(UnifiedSocialCreditCode code) =>
        UnifiedSocialCreditCode.TryParse(IdentifierGenerators.Swap(code.Value, 0, 17), out _, out _);

    [Fact]
    public void Wrong_check_character_names_the_expected_one()
    {
        Assert.False(UnifiedSocialCreditCode.TryParse("91110000600037341M", out var code, out var error));

        Assert.Null(code);
        Assert.Equal("统一社会信用代码 check character should be 'L', got 'M'", error);
    }

    [Theory]
    [InlineData('I')]
    [InlineData('O')]
    [InlineData('S')]
    [InlineData('V')]
    [InlineData('Z')]
    public void Letters_outside_the_charset_are_rejected(char letter)
    {
        Assert.False(UnifiedSocialCreditCode.TryParse("9111000060003734" + letter + "L", out _, out var error));

        Assert.Equal(
            $"统一社会信用代码 position 17 must be one of 0–9 A–H J–N P–R T U W–Y (I, O, S, V and Z are not used), got '{letter}'",
            error);
    }

    [Fact]
    public void Full_width_characters_are_rejected()
    {
        Assert.False(UnifiedSocialCreditCode.TryParse("９1110000600037341L", out _, out var error));

        Assert.Contains("position 1 ", error, StringComparison.Ordinal);
        Assert.Contains("U+FF19", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("91110000600037341", 17)]
    [InlineData("91110000600037341L0", 19)]
    public void Wrong_length_is_rejected(string value, int length)
    {
        Assert.False(UnifiedSocialCreditCode.TryParse(value, out _, out var error));

        Assert.Equal($"统一社会信用代码 must be 18 characters, got {length}", error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_value_is_rejected(string? value)
    {
        Assert.False(UnifiedSocialCreditCode.TryParse(value, out _, out var error));

        Assert.Equal("统一社会信用代码 is required", error);
    }

    [Fact]
    public void Surrounding_white_space_is_rejected_not_trimmed()
    {
        Assert.False(UnifiedSocialCreditCode.TryParse("91110000600037341L ", out _, out var error));

        Assert.Equal("统一社会信用代码 must not have leading or trailing white space", error);
    }

    [Fact]
    public void Allow_listed_code_with_a_bad_check_character_is_accepted_and_flagged()
    {
        var allowList = new UsccAllowList(["91110000600037341M"]);

        Assert.True(UnifiedSocialCreditCode.TryParse("91110000600037341m", allowList, out var code, out _));
        Assert.Equal("91110000600037341M", code.Value);
        Assert.False(code.IsCheckCharacterValid);
    }

    [Fact]
    public void Code_not_on_the_allow_list_is_still_rejected()
    {
        var allowList = new UsccAllowList(["91110000600037341M"]);

        Assert.False(UnifiedSocialCreditCode.TryParse("91110000600037341N", allowList, out _, out var error));
        Assert.Equal("统一社会信用代码 check character should be 'L', got 'N'", error);
    }

    [Fact]
    public void Allow_list_does_not_apply_to_strict_parsing()
    {
        var allowList = new UsccAllowList(["91110000600037341M"]);

        Assert.True(allowList.Contains("91110000600037341M"));
        Assert.False(UnifiedSocialCreditCode.TryParse("91110000600037341M", out _, out _));
        Assert.Throws<FormatException>(() => UnifiedSocialCreditCode.Parse("91110000600037341M"));
    }

    [Fact]
    public void Allow_listed_code_with_a_good_check_character_is_reported_valid()
    {
        var allowList = new UsccAllowList(["91110000600037341L"]);

        Assert.True(UnifiedSocialCreditCode.TryParse("91110000600037341L", allowList, out var code, out _));
        Assert.True(code.IsCheckCharacterValid);
    }

    [Fact]
    public void Allow_list_does_not_excuse_a_bad_shape()
    {
        var allowList = new UsccAllowList(["91110000600037341M"]);

        Assert.False(UnifiedSocialCreditCode.TryParse("91110000600037341", allowList, out _, out _));
        Assert.False(UnifiedSocialCreditCode.TryParse(" 91110000600037341M", allowList, out _, out _));
    }

    [Theory]
    [InlineData("9111000060003734")]
    [InlineData("911100006000373410")]
    [InlineData("91110000600037341LL")]
    [InlineData("9111000060003734IL")]
    public void ComputeCheckCharacter_rejects_a_bad_body(string first17)
    {
        Assert.Throws<ArgumentException>(() => UnifiedSocialCreditCode.ComputeCheckCharacter(first17));
        Assert.Throws<ArgumentException>(() => UnifiedSocialCreditCode.Create(first17));
    }

    [Fact]
    public void Parse_throws_FormatException_with_the_reason()
    {
        var ex = Assert.Throws<FormatException>(() => UnifiedSocialCreditCode.Parse("91110000600037341M"));

        Assert.Equal("统一社会信用代码 check character should be 'L', got 'M'", ex.Message);
    }

    [Fact]
    public void Equality_is_by_canonical_value()
    {
        var a = UnifiedSocialCreditCode.Parse("91110000600037341L");
        var b = UnifiedSocialCreditCode.Parse("91110000600037341l");
        var c = UnifiedSocialCreditCode.Parse("11100000000013338W");

        Assert.True(a == b);
        Assert.True(a != c);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.False(a.Equals((object)"91110000600037341L"));
    }
}
