using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Sharing;

namespace ElectronicLicense.Licenses.Tests.Sharing;

public sealed class HolderIdentityTests
{
    [Fact]
    public void Citizen_is_identified_by_a_valid_citizen_id_without_agent()
    {
        var holder = HolderIdentity.TryCreate("11010519491231002x", null, TimeProvider.System, out var error);
        Assert.Null(error);
        Assert.Equal("11010519491231002X", holder!.Code);
        Assert.Equal(HolderKind.NaturalPerson, holder.Kind);
        Assert.Null(holder.AgentCode);
    }

    [Fact]
    public void Legal_entity_needs_a_valid_agent()
    {
        Assert.Null(HolderIdentity.TryCreate("91500103MAQJWYLF5X", null, TimeProvider.System, out _));
        Assert.Null(HolderIdentity.TryCreate("91500103MAQJWYLF5X", "11010519491231002Y", TimeProvider.System, out _));
        var holder = HolderIdentity.TryCreate("91500103MAQJWYLF5X", "11010519491231002X", TimeProvider.System, out _);
        Assert.Equal(HolderKind.LegalEntity, holder!.Kind);
        Assert.Equal("11010519491231002X", holder.AgentCode);
    }

    [Fact]
    public void Citizen_with_an_agent_and_invalid_codes_are_refused_without_echoing_them()
    {
        Assert.Null(HolderIdentity.TryCreate("11010519491231002X", "500112198802140159", TimeProvider.System, out _));
        foreach (var bad in new[] { "11010519491231002Y", "123", "", "91500103MAQJWYLF5Y" })
        {
            Assert.Null(HolderIdentity.TryCreate(bad, "11010519491231002X", TimeProvider.System, out var error));
            Assert.False(string.IsNullOrEmpty(error));
            Assert.True(bad.Length < 4 || !error.Contains(bad, StringComparison.Ordinal), error);
        }
    }
}
