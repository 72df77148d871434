using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Tests.Identifiers;

public class UsccAllowListTests
{
    [Fact]
    public void Entries_are_stored_upper_case_and_matched_in_either_case()
    {
        var list = new UsccAllowList(["91110000600037341m", "91110000600037341M", "11100000000013338X"]);

        Assert.Equal(2, list.Count);
        Assert.True(list.Contains("91110000600037341M"));
        Assert.True(list.Contains("91110000600037341m"));
        Assert.False(list.Contains("91110000600037341N"));
    }

    [Fact]
    public void Empty_has_no_entries()
    {
        Assert.Equal(0, UsccAllowList.Empty.Count);
        Assert.False(UsccAllowList.Empty.Contains("91110000600037341L"));
    }

    [Theory]
    [InlineData("9111000060003734")]
    [InlineData("91110000600037341MM")]
    [InlineData("9111000060003734IM")]
    [InlineData("9111000060003734OM")]
    [InlineData("91110000600037341M ")]
    [InlineData("９1110000600037341M")]
    [InlineData("")]
    public void Malformed_entries_are_rejected(string entry)
    {
        var ex = Assert.Throws<ArgumentException>(() => new UsccAllowList(["11100000000013338X", entry]));

        Assert.Equal("codes", ex.ParamName);
        Assert.StartsWith("allow-list entry 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_entry_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new UsccAllowList([null!]));
        Assert.Throws<ArgumentNullException>(() => new UsccAllowList(null!));
    }
}
