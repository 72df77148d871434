using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Sharing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ElectronicLicense.Licenses.Tests.Sharing;

[Properties(Arbitrary = new[] { typeof(FieldMaskArbitraries) })]
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

    [Property]
    public bool Mask_keeps_length_and_never_reveals_the_middle(NonNull<string> input)
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
    }

    [Property]
    public bool Mask_shows_at_most_half_of_any_value(MaskedLength length)
    {
        var masked = FieldMask.Mask(new string('a', length.Value));
        return masked.Count(c => c != '*') <= length.Value / 2;
    }
}

/// <summary>A value length from 0 to 200.</summary>
public readonly record struct MaskedLength(int Value);

internal static class FieldMaskArbitraries
{
    public static Arbitrary<MaskedLength> MaskedLength() => Gen.Choose(0, 200).Select(n => new MaskedLength(n)).ToArbitrary();
}
