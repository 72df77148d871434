using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Tests.Identifiers;

public class IdentifierInspectorTests
{
    [Theory]
    [InlineData("11010519491231002x", IdentifierKind.CitizenId, "11010519491231002X")]
    [InlineData("91110000600037341l", IdentifierKind.UnifiedSocialCreditCode, "91110000600037341L")]
    [InlineData("11100000000013338W032", IdentifierKind.LicenseTypeCode, "11100000000013338W032")]
    [InlineData(
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.u",
        IdentifierKind.LicenseId,
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U")]
    public void Each_kind_is_detected_and_canonicalised(string value, IdentifierKind kind, string canonical)
    {
        var inspection = IdentifierInspector.Inspect(value);

        Assert.Equal(kind, inspection.Kind);
        Assert.True(inspection.IsValid);
        Assert.Null(inspection.Reason);
        Assert.Equal(canonical, inspection.Canonical);
        Assert.NotEmpty(inspection.Details);
    }

    [Theory]
    [InlineData("110105194912310023", IdentifierKind.CitizenId, "公民身份号码 check character should be 'X', got '3'")]
    [InlineData("110105194913310021", IdentifierKind.CitizenId, "公民身份号码 birth month (positions 11–12) must be 01–12")]
    [InlineData("１1010519491231002X", IdentifierKind.CitizenId, "公民身份号码 position 1 must be an ASCII digit 0–9 (full-width digits are not accepted)")]
    [InlineData("91110000600037341M", IdentifierKind.UnifiedSocialCreditCode, "统一社会信用代码 check character should be 'L', got 'M'")]
    [InlineData("911100006000373410", IdentifierKind.UnifiedSocialCreditCode, "统一社会信用代码 check character should be 'L', got '0'")]
    [InlineData("11100000000013338W000", IdentifierKind.LicenseTypeCode, "证照类型代码 sequence (positions 19–21) must be 001–999, got 000")]
    [InlineData("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.7", IdentifierKind.LicenseId, "证照标识 check character should be 'U', got '7'")]
    [InlineData("11010519491231002X ", IdentifierKind.CitizenId, "公民身份号码 must not have leading or trailing white space")]
    public void Invalid_values_get_a_kind_and_a_reason(string value, IdentifierKind kind, string reason)
    {
        var inspection = IdentifierInspector.Inspect(value);

        Assert.Equal(kind, inspection.Kind);
        Assert.False(inspection.IsValid);
        Assert.Equal(reason, inspection.Reason);
        Assert.Equal(value, inspection.Canonical);
        Assert.Empty(inspection.Details);
    }

    [Theory]
    [InlineData("12345", "expected 18 characters (公民身份号码 or 统一社会信用代码), 21 (证照类型代码) or a 证照标识 starting with '1.2.156.3005.2.', got 5 characters")]
    [InlineData("   ", "value is empty")]
    [InlineData("", "value is empty")]
    public void Unrecognised_shapes_are_unknown(string value, string reason)
    {
        var inspection = IdentifierInspector.Inspect(value);

        Assert.Equal(IdentifierKind.Unknown, inspection.Kind);
        Assert.False(inspection.IsValid);
        Assert.Equal(reason, inspection.Reason);
    }

    [Fact]
    public void Citizen_details_name_the_parts()
    {
        var details = IdentifierInspector.Inspect("11010519491231002X").Details;

        Assert.Equal("110105", details["RegionCode"]);
        Assert.Equal("1949-12-31", details["BirthDate"]);
        Assert.Equal("female", details["Sex"]);
        Assert.Equal("1101**********002X", details["Masked"]);
    }

    [Fact]
    public void License_id_details_name_the_parts()
    {
        var details = IdentifierInspector.Inspect("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0").Details;

        Assert.Equal("11100000000013338W009", details["TypeCode"]);
        Assert.Equal("11330105002500287C", details["Issuer"]);
        Assert.Equal("2025052201", details["Serial"]);
        Assert.Equal("002", details["Version"]);
        Assert.Equal("0", details["CheckCharacter"]);
    }

    [Fact]
    public void Value_valid_as_both_18_character_kinds_is_reported_as_a_citizen_id_and_says_so()
    {
        // Search the sequence codes of one birth date for a number that also passes the GB 32100-2015 check.
        var both = Enumerable.Range(0, 1000)
            .Select(n => CitizenId.Create($"11010519491231{n:D3}"))
            .First(id => UnifiedSocialCreditCode.TryParse(id.Value, out _, out _));

        var inspection = IdentifierInspector.Inspect(both.Value);

        Assert.Equal(IdentifierKind.CitizenId, inspection.Kind);
        Assert.Equal(nameof(IdentifierKind.UnifiedSocialCreditCode), inspection.Details[IdentifierInspector.AlsoValidAsKey]);
    }

    [Fact]
    public void Value_that_is_not_a_citizen_id_but_is_a_valid_credit_code_is_reported_as_the_code()
    {
        // Month 13 rules out a 公民身份号码, and the characters happen to pass the GB 32100-2015 check.
        var inspection = IdentifierInspector.Inspect("11010519491331002X");

        Assert.Equal(IdentifierKind.UnifiedSocialCreditCode, inspection.Kind);
        Assert.True(inspection.IsValid);
    }

    [Fact]
    public void Allow_listed_credit_code_is_valid_but_flagged()
    {
        var inspection = IdentifierInspector.Inspect("91110000600037341M", new UsccAllowList(["91110000600037341M"]));

        Assert.Equal(IdentifierKind.UnifiedSocialCreditCode, inspection.Kind);
        Assert.True(inspection.IsValid);
        Assert.Equal("false", inspection.Details["CheckCharacterValid"]);
    }
}
