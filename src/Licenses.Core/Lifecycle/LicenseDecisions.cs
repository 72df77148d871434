using System.Diagnostics.CodeAnalysis;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Lifecycle;

/// <summary>One status change a license made, for the service to append to its status history.</summary>
/// <param name="From">Status before; null for issuance.</param>
/// <param name="To">Status after.</param>
/// <param name="ReasonCode">One of <see cref="LifecycleReasons"/>.</param>
/// <param name="Note">The note given with the change, trimmed; null when none.</param>
/// <param name="ByDepartment">The department that made the change.</param>
/// <param name="AtUtc">When.</param>
internal sealed record StatusChange(LicenseStatus? From, LicenseStatus To, string ReasonCode, string? Note, UnifiedSocialCreditCode ByDepartment, DateTime AtUtc);

/// <summary>A license just created: its first version and the 颁发 entry of its status history.</summary>
internal sealed record LicenseCreation(License License, LicenseVersion Version, StatusChange Issued);

/// <summary>What a push to an existing license decided.</summary>
internal enum RevisionOutcome
{
    /// <summary>The content is the current version's: nothing changed.</summary>
    Unchanged,

    /// <summary>A 变更 added a version; the previous one is superseded.</summary>
    NewVersion,

    /// <summary>Nothing changed; <see cref="LicenseRevision.Refusal"/> says why.</summary>
    Refused,
}

/// <summary>The answer of <see cref="License.Revise"/>: unchanged, a new version (and the one it superseded), or a refusal.</summary>
internal sealed class LicenseRevision
{
    private LicenseRevision(RevisionOutcome outcome, LicenseVersion? version, LicenseVersion? superseded, RegistryException? refusal)
    {
        Outcome = outcome;
        Version = version;
        Superseded = superseded;
        Refusal = refusal;
    }

    public RevisionOutcome Outcome { get; }

    /// <summary>The current version after the push: the new one, or the unchanged one; null when refused.</summary>
    public LicenseVersion? Version { get; }

    /// <summary>The version the new one superseded (its <see cref="LicenseVersion.SupersededAtUtc"/> now set); null unless <see cref="RevisionOutcome.NewVersion"/>.</summary>
    public LicenseVersion? Superseded { get; }

    public RegistryException? Refusal { get; }

    [MemberNotNullWhen(true, nameof(Refusal))]
    [MemberNotNullWhen(false, nameof(Version))]
    public bool IsRefused => Outcome == RevisionOutcome.Refused;

    internal static LicenseRevision Unchanged(LicenseVersion current) => new(RevisionOutcome.Unchanged, current, null, null);

    internal static LicenseRevision Added(LicenseVersion version, LicenseVersion superseded) => new(RevisionOutcome.NewVersion, version, superseded, null);

    internal static LicenseRevision Refused(RegistryException refusal) => new(RevisionOutcome.Refused, null, null, refusal);
}

/// <summary>The answer of a status request: the change made, or why it was refused.</summary>
internal sealed class StatusDecision
{
    private StatusDecision(LicenseStatus from, LicenseStatus to, StatusChange? change, RegistryException? refusal)
    {
        From = from;
        To = to;
        Change = change;
        Refusal = refusal;
    }

    /// <summary>The recorded status the request was checked against.</summary>
    public LicenseStatus From { get; }

    /// <summary>The status the request asked for.</summary>
    public LicenseStatus To { get; }

    public StatusChange? Change { get; }

    public RegistryException? Refusal { get; }

    [MemberNotNullWhen(true, nameof(Refusal))]
    [MemberNotNullWhen(false, nameof(Change))]
    public bool IsRefused => Refusal is not null;

    internal static StatusDecision Made(StatusChange change) => new(change.From!.Value, change.To, change, null);

    internal static StatusDecision Refused(LicenseStatus from, LicenseStatus to, RegistryException refusal) => new(from, to, null, refusal);
}
