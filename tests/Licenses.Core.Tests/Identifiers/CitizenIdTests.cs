using ElectronicLicense.Licenses.Identifiers;
using FsCheck.Xunit;

namespace ElectronicLicense.Licenses.Tests.Identifiers;

[Properties(Arbitrary = new[] { typeof(IdentifierArbitraries) })]
public class CitizenIdTests
{
    // A clock in the middle of 2025, far from any day boundary in China.
    private static readonly FixedTimeProvider MidYear2025 = new(new DateTimeOffset(2025, 6, 15, 4, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("11010519491231002X", "110105", 1949, 12, 31, false)]
    [InlineData("360426199101010071", "360426", 1991, 1, 1, true)]
    public void Known_numbers_parse_into_their_parts(string value, string region, int year, int month, int day, bool isMale)
    {
        var id = CitizenId.Parse(value);

        Assert.Equal(value, id.Value);
        Assert.Equal(value, id.ToString());
        Assert.Equal(region, id.RegionCode);
        Assert.Equal(new DateOnly(year, month, day), id.BirthDate);
        Assert.Equal(isMale, id.IsMale);
    }

    [Fact]
    public void Create_computes_the_check_character_of_the_known_numbers()
    {
        Assert.Equal("11010519491231002X", CitizenId.Create("11010519491231002").Value);
        Assert.Equal("360426199101010071", CitizenId.Create("36042619910101007").Value);
    }

    [Fact]
    public void Lowercase_check_character_is_normalised()
    {
        var id = CitizenId.Parse("11010519491231002x");

        Assert.Equal("11010519491231002X", id.Value);
        Assert.Equal(CitizenId.Parse("11010519491231002X"), id);
    }

    [Fact]
    public void Masked_keeps_the_first_four_and_last_four_characters()
    {
        Assert.Equal("1101**********002X", CitizenId.Parse("11010519491231002X").Masked);
    }

    [Property]
    public bool Generated_numbers_round_trip_through_their_canonical_form(CitizenId id)
    {
        var parsed = CitizenId.Parse(id.ToString());
        return parsed == id
            && parsed.Equals((object)id)
            && parsed.GetHashCode() == id.GetHashCode()
            && parsed.ToString() == id.Value
            && CitizenId.Parse(parsed.Value.ToLowerInvariant()) == id;
    }

    // MOD 11-2 weights are all non-zero modulo the prime 11 and two digits differ by less than 11,
    // so changing any one body digit changes the check; a changed check character never matches.
    [Property]
    public bool Single_character_substitution_is_rejected(CitizenId id) =>
        IdentifierGenerators.Substitutions(id.Value, IdentifierGenerators.Digits + "X")
            .All(m => !CitizenId.TryParse(m.Mutant, out _, out _));

    // Guaranteed by MOD 11-2: neighbouring weights differ (each is twice the next, mod 11), so
    // swapping digits a ≠ b changes the sum by (a − b)(wᵢ − wᵢ₊₁) ≢ 0 (mod 11). Swapping the last
    // body digit with the check character is caught too: their weights are 2 and 1, and an 'X'
    // moved into the body is not a digit.
    [Property]
    public bool Adjacent_transposition_is_rejected(CitizenId id) =>
        IdentifierGenerators.AdjacentTranspositions(id.Value)
            .All(m => !CitizenId.TryParse(m.Mutant, out _, out _));

    [Property]
    public void Failure_reasons_never_repeat_the_number(CitizenId id)
    {
        string region = id.Value[..6];
        string birth = id.Value[6..14];
        foreach (var (_, mutant) in IdentifierGenerators.Substitutions(id.Value, IdentifierGenerators.Digits + "X"))
        {
            Assert.False(CitizenId.TryParse(mutant, out _, out var error));
            Assert.DoesNotContain(region, error, StringComparison.Ordinal);
            Assert.DoesNotContain(birth, error, StringComparison.Ordinal);
            Assert.DoesNotContain(mutant[..17], error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Wrong_check_character_names_the_expected_one()
    {
        Assert.False(CitizenId.TryParse("110105194912310023", out _, out var error));

        Assert.Equal("公民身份号码 check character should be 'X', got '3'", error);
    }

    [Theory]
    [InlineData("11010519491231002", 17)]
    [InlineData("11010519491231002X0", 19)]
    [InlineData("110105194912310", 15)]
    public void Wrong_length_is_rejected(string value, int length)
    {
        Assert.False(CitizenId.TryParse(value, out var id, out var error));

        Assert.Null(id);
        Assert.Equal($"公民身份号码 must be 18 characters, got {length}", error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_value_is_rejected(string? value)
    {
        Assert.False(CitizenId.TryParse(value, out _, out var error));

        Assert.Equal("公民身份号码 is required", error);
    }

    [Theory]
    [InlineData(" 11010519491231002X")]
    [InlineData("11010519491231002X ")]
    [InlineData("11010519491231002X\n")]
    [InlineData("\u300011010519491231002X")]
    public void Surrounding_white_space_is_rejected_not_trimmed(string value)
    {
        Assert.False(CitizenId.TryParse(value, out _, out var error));

        Assert.Equal("公民身份号码 must not have leading or trailing white space", error);
    }

    [Fact]
    public void Full_width_digits_are_rejected()
    {
        // '１' is U+FF11, which char.IsDigit accepts.
        Assert.False(CitizenId.TryParse("１1010519491231002X", out _, out var error));

        Assert.Equal("公民身份号码 position 1 must be an ASCII digit 0–9 (full-width digits are not accepted)", error);
        Assert.Throws<ArgumentException>(() => CitizenId.Create("１101051949123100２"));
    }

    [Fact]
    public void Other_Unicode_digits_are_rejected()
    {
        // Arabic-Indic digit one (U+0661) is another digit that char.IsDigit accepts.
        Assert.False(CitizenId.TryParse("1\u0661010519491231002X", out _, out var error));

        Assert.Equal("公民身份号码 position 2 must be an ASCII digit 0–9", error);
    }

    [Fact]
    public void Letter_other_than_X_in_the_check_position_is_rejected()
    {
        Assert.False(CitizenId.TryParse("11010519491231002Y", out _, out var error));

        Assert.Equal("公民身份号码 position 18 (check character) must be a digit 0–9 or X", error);
    }

    [Theory]
    [InlineData("20000229", true)] // divisible by 400: leap
    [InlineData("20240229", true)]
    [InlineData("19000229", false)] // divisible by 100 but not 400: not leap
    [InlineData("20230229", false)]
    public void February_29_is_accepted_only_in_leap_years(string birth, bool expected)
    {
        string value = WithCheck("110105" + birth + "002");

        Assert.Equal(expected, CitizenId.TryParse(value, MidYear2025, out var id, out var error));
        if (expected)
        {
            Assert.Equal(29, id!.BirthDate.Day);
        }
        else
        {
            Assert.Equal("公民身份号码 birth day (positions 13–14) must be 01–28 for that month", error);
        }
    }

    [Theory]
    [InlineData("19490230", "公民身份号码 birth day (positions 13–14) must be 01–28 for that month")]
    [InlineData("19490431", "公民身份号码 birth day (positions 13–14) must be 01–30 for that month")]
    [InlineData("19490100", "公民身份号码 birth day (positions 13–14) must be 01–31 for that month")]
    [InlineData("19491301", "公民身份号码 birth month (positions 11–12) must be 01–12")]
    [InlineData("19490001", "公民身份号码 birth month (positions 11–12) must be 01–12")]
    [InlineData("17991231", "公民身份号码 birth year (positions 7–10) must be 1800 or later")]
    public void Impossible_birth_dates_are_rejected(string birth, string reason)
    {
        Assert.False(CitizenId.TryParse(WithCheck("110105" + birth + "002"), MidYear2025, out _, out var error));

        Assert.Equal(reason, error);
    }

    [Fact]
    public void Year_1800_is_the_earliest_birth_year()
    {
        Assert.True(CitizenId.TryParse(WithCheck("11010518000101002"), MidYear2025, out var id, out _));
        Assert.Equal(new DateOnly(1800, 1, 1), id.BirthDate);
    }

    [Fact]
    public void Future_birth_date_is_rejected()
    {
        string tomorrow = WithCheck("11010520250616002");

        Assert.False(CitizenId.TryParse(tomorrow, MidYear2025, out _, out var error));
        Assert.Equal("公民身份号码 birth date (positions 7–14) must not be after today (China Standard Time)", error);
        Assert.True(CitizenId.TryParse(WithCheck("11010520250615002"), MidYear2025, out _, out _));
    }

    [Fact]
    public void Today_is_judged_in_China_Standard_Time()
    {
        string born16June = WithCheck("11010520250616002");

        // 15:59:59 UTC on 15 June is 23:59:59 in Beijing; one second later it is 16 June there.
        var beforeMidnight = new FixedTimeProvider(new DateTimeOffset(2025, 6, 15, 15, 59, 59, TimeSpan.Zero));
        var afterMidnight = new FixedTimeProvider(new DateTimeOffset(2025, 6, 15, 16, 0, 0, TimeSpan.Zero));

        Assert.False(CitizenId.TryParse(born16June, beforeMidnight, out _, out _));
        Assert.True(CitizenId.TryParse(born16June, afterMidnight, out _, out _));
    }

    [Fact]
    public void Sequence_parity_gives_the_sex()
    {
        Assert.True(CitizenId.Create("11010519491231001").IsMale);
        Assert.False(CitizenId.Create("11010519491231002").IsMale);
    }

    [Fact]
    public void Parse_throws_FormatException_with_the_reason()
    {
        var ex = Assert.Throws<FormatException>(() => CitizenId.Parse("110105194912310023"));

        Assert.Equal("公民身份号码 check character should be 'X', got '3'", ex.Message);
    }

    [Theory]
    [InlineData("1101051949123100")]
    [InlineData("1101051949123100A2")]
    [InlineData("11010519491331002")]
    public void Create_rejects_a_bad_body(string first17)
    {
        Assert.Throws<ArgumentException>(() => CitizenId.Create(first17));
    }

    [Fact]
    public void Equality_is_by_canonical_value()
    {
        var a = CitizenId.Parse("11010519491231002X");
        var b = CitizenId.Parse("11010519491231002x");
        var c = CitizenId.Parse("360426199101010071");

        Assert.True(a == b);
        Assert.False(a != b);
        Assert.True(a != c);
        Assert.False(a.Equals(null));
        Assert.False(a == null);
        Assert.True((CitizenId?)null == null);
    }

    // An independent MOD 11-2 used to build numbers that Create would refuse, such as impossible dates.
    private static string WithCheck(string first17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        int sum = first17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return first17 + "10X98765432"[sum % 11];
    }
}
