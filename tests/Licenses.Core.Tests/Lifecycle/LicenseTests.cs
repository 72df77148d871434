using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Lifecycle;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ElectronicLicense.Licenses.Tests.Lifecycle;

[Properties(Arbitrary = new[] { typeof(LicenseArbitraries) })]
public class LicenseTests
{
    private static readonly LicenseTypeCode Type = LicenseTypeCode.Parse("11100000000013338W009");
    private static readonly UnifiedSocialCreditCode Issuer = UnifiedSocialCreditCode.Parse("11330105002500287C");
    private static readonly UnifiedSocialCreditCode Admin = UnifiedSocialCreditCode.Parse("11100000000013338W");
    private static readonly DateTime Now = new(2025, 5, 22, 2, 0, 0, DateTimeKind.Utc);
    private static readonly LicenseHolder Holder = new("500103199003150420", "冉晓燕", "公民身份号码");

    [Fact]
    public void Create_makes_version_1_valid_with_an_issued_entry()
    {
        var created = License.Create(Type, Issuer, "2025000001", "A-1", Content("a"), Now);

        var license = created.License;
        Assert.Equal(LicenseId.Create(Type, Issuer, "2025000001", 1), created.Version.Id);
        Assert.Same(created.Version, license.Current);
        Assert.Equal(1, license.Current.Number);
        Assert.Null(license.Current.SupersededAtUtc);
        Assert.Equal(LicenseStatus.Valid, license.Status);
        Assert.Equal((Type, Issuer, "2025000001", "A-1"), (license.TypeCode, license.Issuer, license.Serial, license.Number));
        Assert.Equal(Holder, license.Holder);
        Assert.Equal((Now, Now), (license.CreatedAtUtc, license.UpdatedAtUtc));
        Assert.Equal(new StatusChange(null, LicenseStatus.Valid, LifecycleReasons.Issued, null, Issuer, Now), created.Issued);
    }

    [Fact]
    public void RefuseCreation_refuses_a_change_of_a_license_that_does_not_exist()
    {
        Assert.Null(License.RefuseCreation(null));

        var refusal = License.RefuseCreation("更正");

        AssertRefusal(refusal, RegistryErrorCodes.ValidationFailed, "/变更");
        Assert.Throws<InvalidOperationException>(() => License.Create(Type, Issuer, "2025000001", "A-1", Content("a", change: "更正"), Now));
    }

    [Fact]
    public void Revise_with_the_current_content_changes_nothing()
    {
        var license = Created();

        var revision = license.Revise(Content("a"), Now.AddDays(1));

        Assert.Equal(RevisionOutcome.Unchanged, revision.Outcome);
        Assert.Same(license.Current, revision.Version);
        Assert.Single(license.Versions);
        Assert.Equal(Now, license.UpdatedAtUtc);
    }

    [Fact]
    public void Revise_with_the_current_content_and_a_change_reason_still_changes_nothing()
    {
        var license = Created();

        Assert.Equal(RevisionOutcome.Unchanged, license.Revise(Content("a", change: "更正"), Now.AddDays(1)).Outcome);
        Assert.Single(license.Versions);
    }

    [Fact]
    public void Revise_with_other_content_and_no_change_reason_is_a_content_conflict()
    {
        var license = Created();

        var revision = license.Revise(Content("b"), Now.AddDays(1));

        AssertRefusal(revision.Refusal, RegistryErrorCodes.ContentConflict);
        Assert.Contains(license.Current.Id.Value, revision.Refusal!.Message, StringComparison.Ordinal);
        Assert.Contains("变更", revision.Refusal.Message, StringComparison.Ordinal);
        AssertUnchanged(license, versions: 1, LicenseStatus.Valid);
    }

    [Fact]
    public void Revise_with_a_superseded_content_names_its_version()
    {
        var license = Created();
        license.Revise(Content("b", change: "更正"), Now.AddDays(1));

        var revision = license.Revise(Content("a"), Now.AddDays(2));

        AssertRefusal(revision.Refusal, RegistryErrorCodes.ContentConflict);
        Assert.StartsWith("This content is version 1, which version 2 superseded;", revision.Refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Revise_with_a_change_reason_adds_a_version_and_supersedes_the_previous_one()
    {
        var license = Created();
        var first = license.Current;
        var later = Now.AddDays(3);

        var revision = license.Revise(Content("b", change: "更正", holderName: "冉晓艳"), later);

        Assert.Equal(RevisionOutcome.NewVersion, revision.Outcome);
        Assert.Same(first, revision.Superseded);
        Assert.Equal(later, first.SupersededAtUtc);
        var added = revision.Version!;
        Assert.Same(added, license.Current);
        Assert.Equal(first.Id.WithVersion(2), added.Id);
        Assert.Equal(("b", "更正", later, (DateTime?)null), (added.ContentSha256, added.ChangeReason, added.StoredAtUtc, added.SupersededAtUtc));
        Assert.Equal(new[] { first, added }, license.Versions);
        Assert.Equal(Holder with { Name = "冉晓艳" }, license.Holder);
        Assert.Equal(later, license.UpdatedAtUtc);
        Assert.Equal(Now, license.CreatedAtUtc);
    }

    [Fact]
    public void Revise_keeps_the_holder_code_type_and_the_status_of_a_suspended_license()
    {
        var license = Created();
        license.Suspend("under-investigation", null, Issuer, Now);

        var revision = license.Revise(Content("b", change: "更正") with { Holder = Holder with { CodeType = "其他" } }, Now.AddDays(1));

        Assert.Equal(RevisionOutcome.NewVersion, revision.Outcome);
        Assert.Equal(LicenseStatus.Suspended, license.Status);
        Assert.Equal(Holder, license.Holder);
    }

    [Fact]
    public void Revise_cannot_change_the_holder()
    {
        var license = Created();

        var revision = license.Revise(Content("b", change: "更正") with { Holder = Holder with { Code = "91110000600037341L" } }, Now.AddDays(1));

        AssertRefusal(revision.Refusal, RegistryErrorCodes.ValidationFailed, "/持证主体代码");
        AssertUnchanged(license, versions: 1, LicenseStatus.Valid);
    }

    [Fact]
    public void A_revoked_license_cannot_be_changed_but_a_repeated_push_is_still_unchanged()
    {
        var license = Created();
        license.Revoke("cancelled", null, Issuer, Now);

        var changed = license.Revise(Content("b", change: "更正"), Now.AddDays(1));
        var repeated = license.Revise(Content("a"), Now.AddDays(1));

        AssertRefusal(changed.Refusal, RegistryErrorCodes.InvalidStatusTransition);
        Assert.Equal($"{license.Current.Id} is revoked: a revoked license cannot be changed; issue a new license instead.", changed.Refusal!.Message);
        Assert.Equal(RevisionOutcome.Unchanged, repeated.Outcome);
        AssertUnchanged(license, versions: 1, LicenseStatus.Revoked);
    }

    [Fact]
    public void Revise_refuses_a_conflict_before_revocation_and_revocation_before_a_holder_change()
    {
        var license = Created();
        license.Revoke("cancelled", null, Issuer, Now);
        var otherHolder = Holder with { Code = "91110000600037341L" };

        Assert.Equal(RegistryErrorCodes.ContentConflict, license.Revise(Content("b") with { Holder = otherHolder }, Now).Refusal!.Code);
        Assert.Equal(RegistryErrorCodes.InvalidStatusTransition, license.Revise(Content("b", change: "更正") with { Holder = otherHolder }, Now).Refusal!.Code);
    }

    [Fact]
    public void The_999th_version_is_the_last()
    {
        var at998 = Restored(LicenseStatus.Valid, versions: 998);

        Assert.Equal(RevisionOutcome.NewVersion, at998.Revise(Content("new", change: "更正"), Now).Outcome);
        Assert.Equal(License.MaxVersions, at998.Current.Number);

        var refusal = at998.Revise(Content("newer", change: "更正"), Now).Refusal;

        AssertRefusal(refusal, RegistryErrorCodes.ValidationFailed, "/变更");
        Assert.Equal("the license already has 999 versions, the most a 证照标识 can number", refusal!.Errors.Single().Message);
        AssertUnchanged(at998, versions: 999, LicenseStatus.Valid);
    }

    public static TheoryData<LicenseStatus, LifecycleAction, LicenseStatus?> Transitions() => new()
    {
        // from, action, status after (null: refused)
        { LicenseStatus.Valid, LifecycleAction.Suspend, LicenseStatus.Suspended },
        { LicenseStatus.Valid, LifecycleAction.Revoke, LicenseStatus.Revoked },
        { LicenseStatus.Valid, LifecycleAction.Resume, null },
        { LicenseStatus.Suspended, LifecycleAction.Resume, LicenseStatus.Valid },
        { LicenseStatus.Suspended, LifecycleAction.Revoke, LicenseStatus.Revoked },
        { LicenseStatus.Suspended, LifecycleAction.Suspend, null },
        { LicenseStatus.Revoked, LifecycleAction.Suspend, null },
        { LicenseStatus.Revoked, LifecycleAction.Resume, null },
        { LicenseStatus.Revoked, LifecycleAction.Revoke, null },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public void ChangeStatus_allows_only_the_lifecycle_transitions(LicenseStatus from, LifecycleAction action, LicenseStatus? to)
    {
        var license = Restored(from, versions: 2);
        var later = Now.AddDays(1);

        var decision = license.ChangeStatus(action, ReasonFor(action), "  依据文书 第1号  ", Admin, later);

        Assert.Equal((from, License.TargetOf(action)), (decision.From, decision.To));
        if (to is { } target)
        {
            Assert.False(decision.IsRefused);
            Assert.Equal(new StatusChange(from, target, ReasonFor(action), "依据文书 第1号", Admin, later), decision.Change);
            Assert.Equal(target, license.Status);
            Assert.Equal(later, license.UpdatedAtUtc);
        }
        else
        {
            AssertRefusal(decision.Refusal, RegistryErrorCodes.InvalidStatusTransition);
            Assert.Equal(
                $"The license is {from.ToString().ToLowerInvariant()}; it cannot become {License.TargetOf(action).ToString().ToLowerInvariant()} from there.",
                decision.Refusal!.Message);
            Assert.Null(decision.Change);
            AssertUnchanged(license, versions: 2, from);
        }
    }

    [Fact]
    public void Suspend_resume_and_revoke_are_the_named_actions()
    {
        var license = Created();

        Assert.Equal(LicenseStatus.Suspended, license.Suspend("suspended-by-authority", null, Issuer, Now).Change!.To);
        Assert.Equal(LicenseStatus.Valid, license.Resume("suspension-ended", null, Issuer, Now).Change!.To);
        Assert.Equal(LicenseStatus.Revoked, license.Revoke("revoked-by-authority", null, Issuer, Now).Change!.To);
    }

    [Property]
    public void Revoked_is_final_whatever_is_asked_afterwards(LifecycleAction[] sequence)
    {
        var license = Created();
        var revoked = false;
        foreach (var action in sequence)
        {
            var before = license.Status;
            var decision = license.ChangeStatus(action, ReasonFor(action), null, Issuer, Now);
            Assert.Equal(before, decision.From);
            Assert.Equal(decision.IsRefused ? before : License.TargetOf(action), license.Status);
            Assert.True(!revoked || decision.IsRefused, "a revoked license changed status");
            revoked |= license.Status == LicenseStatus.Revoked;
            Assert.Contains(license.Status, new[] { LicenseStatus.Valid, LicenseStatus.Suspended, LicenseStatus.Revoked });
        }
    }

    [Theory]
    [InlineData(LifecycleAction.Revoke, "under-investigation")]
    [InlineData(LifecycleAction.Suspend, "cancelled")]
    [InlineData(LifecycleAction.Resume, "holder-request")]
    [InlineData(LifecycleAction.Resume, null)]
    [InlineData(LifecycleAction.Suspend, "")]
    public void A_reason_of_another_action_is_refused_before_the_transition(LifecycleAction action, string? reason)
    {
        var license = Restored(LicenseStatus.Revoked, versions: 1);

        var decision = license.ChangeStatus(action, reason, null, Issuer, Now);

        AssertRefusal(decision.Refusal, RegistryErrorCodes.ValidationFailed, "/reasonCode");
        Assert.Equal(decision.Refusal!.Code, License.RefuseStatusRequest(action, reason, null)!.Code);
        Assert.StartsWith("must be one of: ", decision.Refusal.Errors.Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefuseStatusRequest_checks_the_reason_and_the_note_length()
    {
        Assert.Null(License.RefuseStatusRequest(LifecycleAction.Suspend, "holder-request", new string('注', License.MaxNoteLength)));

        var both = License.RefuseStatusRequest(LifecycleAction.Suspend, "nonsense", new string('注', License.MaxNoteLength + 1));

        Assert.Equal(new[] { "/reasonCode", "/note" }, both!.Errors.Select(e => e.Pointer));
        Assert.Equal("2 fields are invalid.", both.Message);
        AssertRefusal(License.RefuseStatusRequest(LifecycleAction.Revoke, "cancelled", new string(' ', 501)), RegistryErrorCodes.ValidationFailed, "/note");
    }

    [Fact]
    public void A_blank_note_is_recorded_as_none()
    {
        var change = Created().Suspend("holder-request", " \t ", Issuer, Now).Change!;

        Assert.Null(change.Note);
    }

    [Fact]
    public void Validity_ends_at_midnight_Beijing_time_on_the_day_after_the_end_date()
    {
        var license = Created(validFrom: new DateOnly(2020, 1, 1), validUntil: new DateOnly(2025, 6, 30));

        // 2025-06-30 23:59:59 in Beijing is 15:59:59 UTC; a minute later it is 1 July there.
        Assert.Equal(LicenseStatus.Valid, license.StatusOn(new DateTimeOffset(2025, 6, 30, 15, 59, 59, TimeSpan.Zero)));
        Assert.Equal(LicenseStatus.Expired, license.StatusOn(new DateTimeOffset(2025, 6, 30, 16, 0, 0, TimeSpan.Zero)));
        Assert.Equal(LicenseStatus.Expired, license.StatusOn(new DateTimeOffset(2025, 6, 30, 9, 0, 0, TimeSpan.FromHours(-8))));
    }

    [Fact]
    public void Validity_starts_at_midnight_Beijing_time_on_the_start_date()
    {
        var license = Created(validFrom: new DateOnly(2025, 7, 1), validUntil: null);

        Assert.Equal(LicenseStatus.NotYetValid, license.StatusOn(new DateTimeOffset(2025, 6, 30, 15, 59, 59, TimeSpan.Zero)));
        Assert.Equal(LicenseStatus.Valid, license.StatusOn(new DateTimeOffset(2025, 6, 30, 16, 0, 0, TimeSpan.Zero)));
        Assert.Equal(LicenseStatus.Valid, license.StatusOn(new DateTimeOffset(2999, 12, 31, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void A_recorded_suspension_or_revocation_wins_over_the_dates_and_expiry_blocks_no_transition()
    {
        var license = Created(validFrom: new DateOnly(2020, 1, 1), validUntil: new DateOnly(2021, 1, 1));
        var now = new DateTimeOffset(Now);
        Assert.Equal(LicenseStatus.Expired, license.StatusOn(now));

        Assert.False(license.Suspend("holder-request", null, Issuer, Now).IsRefused);
        Assert.Equal(LicenseStatus.Suspended, license.StatusOn(now));
        Assert.False(license.Revoke("cancelled", null, Issuer, Now).IsRefused);
        Assert.Equal(LicenseStatus.Revoked, license.StatusOn(now));
        Assert.Equal(LicenseStatus.Revoked, License.StatusOn(LicenseStatus.Revoked, new DateOnly(2999, 1, 1), null, new DateOnly(2025, 1, 1)));
    }

    [Property(MaxTest = 500)]
    public void Expiry_depends_on_the_instant_and_the_Beijing_date_only(ExpiryCase c)
    {
        var instant = DateTimeOffset.FromUnixTimeSeconds(c.Seconds);
        var beijing = DateOnly.FromDateTime(instant.UtcDateTime.AddHours(8));
        var validFrom = beijing.AddDays(c.Start);
        DateOnly? validUntil = c.Length < 0 ? null : validFrom.AddDays(c.Length);
        var license = Created(validFrom, validUntil);

        var status = license.StatusOn(instant.ToOffset(TimeSpan.FromMinutes(c.OffsetMinutes)));

        var expected = validFrom > beijing ? LicenseStatus.NotYetValid
            : validUntil is { } until && until < beijing ? LicenseStatus.Expired
            : LicenseStatus.Valid;
        Assert.Equal(expected, status);
        Assert.Equal(beijing, License.ChinaDate(instant));
    }

    [Property]
    public void Successive_changes_number_versions_without_gaps_and_supersede_all_but_the_last(RevisionCount count)
    {
        var n = count.Value;
        var license = Created();
        for (var i = 1; i <= n; i++)
        {
            Assert.Equal(RevisionOutcome.NewVersion, license.Revise(Content("c" + i, change: "更正"), Now.AddMinutes(i)).Outcome);
        }

        Assert.Equal(Enumerable.Range(1, n + 1), license.Versions.Select(v => v.Number));
        Assert.All(license.Versions, v => Assert.Equal(license.Current.Id.SeriesKey, v.Id.SeriesKey));
        Assert.All(license.Versions.SkipLast(1), v => Assert.NotNull(v.SupersededAtUtc));
        Assert.Null(license.Current.SupersededAtUtc);
        Assert.Same(license.Versions[^1], license.Current);
    }

    [Fact]
    public void Restore_finds_the_current_version_by_number_whatever_the_order()
    {
        var id = LicenseId.Create(Type, Issuer, "2025000001", 1);
        var versions = new[] { Version(id.WithVersion(2), "b", superseded: null), Version(id, "a", superseded: Now) };

        var license = License.Restore("A-1", Holder, LicenseStatus.Suspended, 2, versions, Now, Now);

        Assert.Equal(new[] { 1, 2 }, license.Versions.Select(v => v.Number));
        Assert.Equal(2, license.Current.Number);
        Assert.Equal(LicenseStatus.Suspended, license.Status);
    }

    [Fact]
    public void Restore_refuses_state_that_breaks_an_invariant()
    {
        var id = LicenseId.Create(Type, Issuer, "2025000001", 1);
        var other = LicenseId.Create(Type, Issuer, "2025000002", 2);

        Assert.Throws<InvalidOperationException>(() => License.Restore("A-1", Holder, LicenseStatus.Valid, 2, [Version(id, "a", null)], Now, Now));
        Assert.Throws<InvalidOperationException>(() => License.Restore("A-1", Holder, LicenseStatus.Valid, 2, [Version(id, "a", Now), Version(other, "b", null)], Now, Now));
        Assert.Throws<InvalidOperationException>(() => License.Restore("A-1", Holder, LicenseStatus.Expired, 1, [Version(id, "a", null)], Now, Now));
    }

    private static LicenseContent Content(string sha256, string? change = null, string? holderName = null, DateOnly? validFrom = null, DateOnly? validUntil = null) => new()
    {
        ContentSha256 = sha256,
        Holder = holderName is null ? Holder : Holder with { Name = holderName },
        IssueDate = new DateOnly(2025, 5, 22),
        ValidFrom = validFrom ?? new DateOnly(2025, 5, 22),
        ValidUntil = validUntil,
        ChangeReason = change,
    };

    private static License Created(DateOnly? validFrom = null, DateOnly? validUntil = null) =>
        License.Create(Type, Issuer, "2025000001", "A-1", Content("a", validFrom: validFrom, validUntil: validUntil), Now).License;

    private static License Restored(LicenseStatus status, int versions)
    {
        var first = LicenseId.Create(Type, Issuer, "2025000001", 1);
        var all = Enumerable.Range(1, versions).Select(n => Version(first.WithVersion(n), "c" + n, n == versions ? null : Now)).ToList();
        return License.Restore("A-1", Holder, status, versions, all, Now, Now);
    }

    private static LicenseVersion Version(LicenseId id, string sha256, DateTime? superseded) =>
        new(id, sha256, new DateOnly(2025, 5, 22), new DateOnly(2025, 5, 22), null, null, Now, superseded);

    private static string ReasonFor(LifecycleAction action) => action switch
    {
        LifecycleAction.Revoke => "cancelled",
        LifecycleAction.Suspend => "under-investigation",
        _ => "investigation-closed",
    };

    private static void AssertRefusal(RegistryException? refusal, string code, string? pointer = null)
    {
        Assert.NotNull(refusal);
        Assert.Equal(code, refusal.Code);
        if (pointer is not null)
        {
            Assert.Equal(pointer, Assert.Single(refusal.Errors).Pointer);
        }
    }

    private static void AssertUnchanged(License license, int versions, LicenseStatus status)
    {
        Assert.Equal(versions, license.Versions.Count);
        Assert.Equal(status, license.Status);
        Assert.Equal(Now, license.UpdatedAtUtc);
        Assert.Null(license.Current.SupersededAtUtc);
        Assert.Same(license.Versions[^1], license.Current);
    }
}

/// <summary>An instant, the offset it is written with, and a validity start (days from its Beijing date) and length (−1: open-ended).</summary>
public readonly record struct ExpiryCase(int Seconds, int OffsetMinutes, int Start, int Length);

/// <summary>How many revisions follow the first version, 0 to 40.</summary>
public readonly record struct RevisionCount(int Value);

internal static class LicenseArbitraries
{
    // Unshrunk, as before: any sequence of the actions.
    public static Arbitrary<LifecycleAction[]> LifecycleActions() => Gen.Elements(Enum.GetValues<LifecycleAction>()).ArrayOf().ToArbitrary();

    public static Arbitrary<ExpiryCase> ExpiryCase() =>
        (from seconds in Gen.Choose(0, int.MaxValue)
         from offsetMinutes in Gen.Choose(-14 * 60, 14 * 60)
         from start in Gen.Choose(-800, 800)
         from length in Gen.Choose(-1, 1600)
         select new ExpiryCase(seconds, offsetMinutes, start, length)).ToArbitrary();

    public static Arbitrary<RevisionCount> RevisionCount() => Gen.Choose(0, 40).Select(n => new RevisionCount(n)).ToArbitrary();
}
