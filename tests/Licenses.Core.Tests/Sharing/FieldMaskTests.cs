using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Sharing;
using FsCheck;
using FsCheck.Fluent;

namespace ElectronicLicense.Licenses.Tests.Sharing;

public sealed class FieldMaskTests
{
    [Fact]
    public void Citizen_id_keeps_four_characters_at_each_end()
    {
        Assert.Equal("1101**********002X", FieldMask.Mask("11010519491231002X"));
    }

    [Fact]
    public void Citizen_id_mask_agrees_with_CitizenId_Masked()
    {
        var id = CitizenId.Parse("500112198802140159");
        Assert.Equal(id.Masked, FieldMask.Mask(id.Value));
    }

    [Fact]
    public void Short_values_are_masked_entirely()
    {
        Assert.Equal("", FieldMask.Mask(""));
        Assert.Equal("***", FieldMask.Mask("向德明"));
        Assert.Equal("1**4", FieldMask.Mask("1234"));
    }

    [Fact]
    public void Mask_keeps_length_and_never_reveals_the_middle()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), input =>
        {
            var value = input.Get;
            var masked = FieldMask.Mask(value);
            var keep = FieldMask.VisibleAtEachEnd(value.Length);
            var middle = Enumerable.Range(keep, value.Length - 2 * keep);
            return masked.Length == value.Length
                && middle.All(i => masked[i] == '*')
                && masked[..keep] == value[..keep]
                && masked[(value.Length - keep)..] == value[(value.Length - keep)..]
                && 2 * keep <= value.Length / 2;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Mask_shows_at_most_half_of_any_value()
    {
        Prop.ForAll(Gen.Choose(0, 200).ToArbitrary(), length =>
        {
            var masked = FieldMask.Mask(new string('a', length));
            return masked.Count(c => c != '*') <= length / 2;
        }).QuickCheckThrowOnFailure();
    }
}
