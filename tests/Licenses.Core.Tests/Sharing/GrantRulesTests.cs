using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Sharing;
using ElectronicLicense.Licenses.Tests.Catalog;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ElectronicLicense.Licenses.Tests.Sharing;

[Properties(Arbitrary = new[] { typeof(GrantRulesArbitraries) })]
public sealed class GrantRulesTests
{
    private const string DrivingLicence = "11100000000013338W004";
    private const string MedicalDeathCertificate = "11100000MB0000537W002"; // 不予共享
    private const string PublicSecurity = "11500000MB1501018N";
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private static GrantRequest Request(params string[] fields) => new()
    {
        Grantee = PublicSecurity,
        LicenseTypes = [DrivingLicence],
        Fields = fields.Length == 0 ? ["准驾车型", "有效期截止日期"] : fields,
        Purpose = new GrantPurpose { ItemCode = "500000-000201-001", SerialNumber = "SN-2026-0001" },
        NotAfter = Now.AddDays(7),
        MaxUses = 3,
    };

    private static FieldError SingleError(GrantRequest request)
    {
        var error = Assert.Throws<RegistryException>(() => GrantRules.Validate(request, CatalogFiles.Shipped, new SharingOptions(), Now));
        Assert.Equal(RegistryErrorCodes.ValidationFailed, error.Code);
        return Assert.Single(error.Errors);
    }

    [Fact]
    public void A_complete_request_is_valid_and_starts_now()
    {
        var valid = GrantRules.Validate(Request(), CatalogFiles.Shipped, new SharingOptions(), Now);
        Assert.Equal(Now, valid.NotBefore);
        Assert.Equal(["准驾车型", "有效期截止日期"], valid.Fields);
        Assert.Equal(3, valid.MaxUses);
    }

    [Fact]
    public void Unknown_field_is_named_by_pointer()
    {
        var error = SingleError(Request("准驾车型", "血型"));
        Assert.Equal("/fields/1", error.Pointer);
    }

    [Fact]
    public void Not_shared_type_is_refused()
    {
        var request = Request("性别");
        request.LicenseTypes = [MedicalDeathCertificate];
        var error = SingleError(request);
        Assert.Equal("/licenseTypes/0", error.Pointer);
        Assert.Contains("不予共享", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Window_longer_than_the_limit_is_refused()
    {
        var request = Request();
        request.NotAfter = Now.AddDays(400);
        Assert.Equal("/notAfter", SingleError(request).Pointer);
    }

    [Fact]
    public void Missing_purpose_is_refused()
    {
        var request = Request();
        request.Purpose = new GrantPurpose { ItemCode = "500000-000201-001" };
        Assert.Equal("/purpose/serialNumber", SingleError(request).Pointer);
    }

    [Property]
    public bool MaxUses_must_be_within_bounds(RequestedMaxUses maxUses)
    {
        var uses = maxUses.Value;
        var request = Request();
        request.MaxUses = uses;
        var ok = uses is >= 1 and <= 1000;
        try
        {
            GrantRules.Validate(request, CatalogFiles.Shipped, new SharingOptions(), Now);
            return ok;
        }
        catch (RegistryException e)
        {
            return !ok && e.Errors.Single().Pointer == "/maxUses";
        }
    }

    [Property]
    public bool State_is_active_only_inside_the_window_with_uses_left_and_not_revoked(HoursFromStart offset, UsesSoFar used, bool revoked)
    {
        var start = Now;
        var end = Now.AddHours(10);
        var (hours, uses) = (offset.Value, used.Value);
        var at = Now.AddHours(hours);
        var state = GrantRules.StateOf(revoked ? Now.UtcDateTime : null, start, end, uses, 3, at);
        var active = !revoked && at >= start && at < end && uses < 3;
        return (state == GrantState.Active) == active;
    }
}

/// <summary>A requested maximum number of uses from −5 to 2000.</summary>
public readonly record struct RequestedMaxUses(int Value);

/// <summary>Hours from the start of a 10-hour grant window, −20 to 20.</summary>
public readonly record struct HoursFromStart(int Value);

/// <summary>Uses of a grant so far, 0 to 5 (of 3 allowed).</summary>
public readonly record struct UsesSoFar(int Value);

internal static class GrantRulesArbitraries
{
    public static Arbitrary<RequestedMaxUses> RequestedMaxUses() => Gen.Choose(-5, 2000).Select(n => new RequestedMaxUses(n)).ToArbitrary();

    public static Arbitrary<HoursFromStart> HoursFromStart() => Gen.Choose(-20, 20).Select(n => new HoursFromStart(n)).ToArbitrary();

    public static Arbitrary<UsesSoFar> UsesSoFar() => Gen.Choose(0, 5).Select(n => new UsesSoFar(n)).ToArbitrary();
}
