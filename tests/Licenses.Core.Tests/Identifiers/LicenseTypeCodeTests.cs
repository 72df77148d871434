using ElectronicLicense.Licenses.Identifiers;
using FsCheck.Xunit;

namespace ElectronicLicense.Licenses.Tests.Identifiers;

[Properties(Arbitrary = new[] { typeof(IdentifierArbitraries) })]
public class LicenseTypeCodeTests
{
    [Fact]
    public void Known_code_parses_into_authority_and_sequence()
    {
        var code = LicenseTypeCode.Parse("11100000000013338W032");

        Assert.Equal("11100000000013338W032", code.Value);
        Assert.Equal("11100000000013338W032", code.ToString());
        Assert.Equal(UnifiedSocialCreditCode.Parse("11100000000013338W"), code.Authority);
        Assert.Equal(32, code.Sequence);
    }

    [Fact]
    public void Create_pads_the_sequence_to_three_digits()
    {
        var authority = UnifiedSocialCreditCode.Parse("11100000000013338W");

        Assert.Equal("11100000000013338W001", LicenseTypeCode.Create(authority, 1).Value);
        Assert.Equal("11100000000013338W999", LicenseTypeCode.Create(authority, 999).Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(-1)]
    public void Create_rejects_a_sequence_outside_1_to_999(int sequence)
    {
        var authority = UnifiedSocialCreditCode.Parse("11100000000013338W");

        Assert.Throws<ArgumentOutOfRangeException>(() => LicenseTypeCode.Create(authority, sequence));
    }

    [Fact]
    public void Create_rejects_an_authority_accepted_only_through_the_allow_list()
    {
        var allowList = new UsccAllowList(["11100000000013338X"]);
        Assert.True(UnifiedSocialCreditCode.TryParse("11100000000013338X", allowList, out var authority, out _));

        Assert.Throws<ArgumentException>(() => LicenseTypeCode.Create(authority, 1));
    }

    [Property]
    public bool Generated_codes_round_trip_through_their_canonical_form(LicenseTypeCode code) =>
        LicenseTypeCode.Parse(code.ToString()) == code
        && LicenseTypeCode.Parse(code.Value.ToLowerInvariant()) == code
        && LicenseTypeCode.Parse(code.Value.ToLowerInvariant()).Value == code.Value;

    [Fact]
    public void Sequence_000_is_rejected()
    {
        Assert.False(LicenseTypeCode.TryParse("11100000000013338W000", out _, out var error));

        Assert.Equal("证照类型代码 sequence (positions 19–21) must be 001–999, got 000", error);
    }

    [Fact]
    public void Authority_must_pass_its_check_character()
    {
        Assert.False(LicenseTypeCode.TryParse("11100000000013338X032", out _, out var error));

        Assert.Equal(
            "证照类型代码 defining authority (positions 1–18): 统一社会信用代码 check character should be 'W', got 'X'",
            error);
    }

    [Theory]
    [InlineData("11100000000013338W03A", 21)]
    [InlineData("11100000000013338W０32", 19)]
    public void Sequence_must_be_ASCII_digits(string value, int position)
    {
        Assert.False(LicenseTypeCode.TryParse(value, out _, out var error));

        Assert.StartsWith($"证照类型代码 position {position} must be an ASCII digit 0–9", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("11100000000013338W32", 20)]
    [InlineData("11100000000013338W0320", 22)]
    public void Wrong_length_is_rejected(string value, int length)
    {
        Assert.False(LicenseTypeCode.TryParse(value, out _, out var error));

        Assert.Equal($"证照类型代码 must be 21 characters (a 统一社会信用代码 and a 3-digit sequence), got {length}", error);
    }

    [Theory]
    [InlineData(null, "证照类型代码 is required")]
    [InlineData("", "证照类型代码 is required")]
    [InlineData(" 11100000000013338W032", "证照类型代码 must not have leading or trailing white space")]
    public void Missing_or_padded_value_is_rejected(string? value, string reason)
    {
        Assert.False(LicenseTypeCode.TryParse(value, out _, out var error));

        Assert.Equal(reason, error);
    }

    [Fact]
    public void Parse_throws_FormatException_with_the_reason()
    {
        var ex = Assert.Throws<FormatException>(() => LicenseTypeCode.Parse("11100000000013338W000"));

        Assert.Equal("证照类型代码 sequence (positions 19–21) must be 001–999, got 000", ex.Message);
    }
}
