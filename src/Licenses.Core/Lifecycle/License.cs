using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Lifecycle;

/// <summary>A license with its versions and recorded status: the one place that decides 颁发, 变更, 暂停, 恢复, 注销 and expiry.</summary>
/// <remarks>
/// <para>
/// Services load a license, ask it, and write what it answers (<see cref="LicenseCreation"/>, <see cref="LicenseRevision"/>,
/// <see cref="StatusDecision"/>); the aggregate never touches storage, and storage shapes never reach it. A refused request
/// changes nothing and comes back as a <see cref="RegistryException"/> with a code from <see cref="RegistryErrorCodes"/>.
/// </para>
/// <para>
/// Invariants: every version shares one 证照标识 series and only the current one is unsuperseded; the 持证主体代码 never
/// changes; <see cref="LicenseStatus.Revoked"/> is final; a license has at most <see cref="MaxVersions"/> versions.
/// Transitions are checked against the recorded status: expiry is derived from the current version's dates
/// (<see cref="StatusOn(DateTimeOffset)"/>) and does not block them.
/// </para>
/// <para>The status history is not part of the loaded state: no rule reads past changes, and each new change is returned for the service to append.</para>
/// </remarks>
internal sealed class License
{
    /// <summary>The most versions a license can have: a 证照标识 numbers them 001–999.</summary>
    public const int MaxVersions = 999;

    /// <summary>The longest note a status change may carry.</summary>
    public const int MaxNoteLength = 500;

    /// <summary>China has kept UTC+8 without daylight saving since 1991; validity dates are Beijing dates.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private readonly List<LicenseVersion> versions;

    private License(string number, LicenseHolder holder, LicenseStatus status, List<LicenseVersion> versions, LicenseVersion current, DateTime createdAtUtc, DateTime updatedAtUtc)
    {
        Number = number;
        Holder = holder;
        Status = status;
        this.versions = versions;
        Current = current;
        CreatedAtUtc = createdAtUtc;
        UpdatedAtUtc = updatedAtUtc;
    }

    /// <summary>证照类型代码.</summary>
    public LicenseTypeCode TypeCode => Current.Id.TypeCode;

    /// <summary>颁发机构代码.</summary>
    public UnifiedSocialCreditCode Issuer => Current.Id.Issuer;

    /// <summary>The serial of the 证照标识, shared by every version.</summary>
    public string Serial => Current.Id.Serial;

    /// <summary>证照编号, the issuer's own number.</summary>
    public string Number { get; }

    public LicenseHolder Holder { get; private set; }

    /// <summary>The recorded status: <see cref="LicenseStatus.Valid"/>, <see cref="LicenseStatus.Suspended"/> or <see cref="LicenseStatus.Revoked"/>.</summary>
    public LicenseStatus Status { get; private set; }

    /// <summary>Every version, oldest first.</summary>
    public IReadOnlyList<LicenseVersion> Versions => versions;

    public LicenseVersion Current { get; private set; }

    public DateTime CreatedAtUtc { get; }

    public DateTime UpdatedAtUtc { get; private set; }

    /// <summary>Refuses a push that would create a license, or returns null when it may.</summary>
    /// <remarks>A push carrying 变更 names a license that must exist already; refused before a serial is spent on it.</remarks>
    public static RegistryException? RefuseCreation(string? changeReason) =>
        changeReason is null
            ? null
            : RegistryException.Validation("/" + MetadataNames.Change, "there is no license with this 证照编号 to change yet; push it without 变更 first");

    /// <summary>Creates a license as version 1, valid, with its 颁发 entry.</summary>
    /// <exception cref="InvalidOperationException"><see cref="RefuseCreation"/> refuses <paramref name="content"/>: ask it first.</exception>
    public static LicenseCreation Create(
        LicenseTypeCode type, UnifiedSocialCreditCode issuer, string serial, string number, LicenseContent content, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(number);
        ArgumentNullException.ThrowIfNull(content);
        if (RefuseCreation(content.ChangeReason) is not null)
        {
            throw new InvalidOperationException("A push with 变更 cannot create a license; check RefuseCreation first.");
        }

        var first = LicenseVersion.From(LicenseId.Create(type, issuer, serial, 1), content, now);
        var license = new License(number, content.Holder, LicenseStatus.Valid, [first], first, now, now);
        return new LicenseCreation(license, first, new StatusChange(null, LicenseStatus.Valid, LifecycleReasons.Issued, null, issuer, now));
    }

    /// <summary>Rebuilds a stored license.</summary>
    /// <exception cref="InvalidOperationException">The stored state breaks an invariant: no version numbered <paramref name="currentVersion"/>, versions of different licenses, or a status that is not recorded.</exception>
    public static License Restore(
        string number, LicenseHolder holder, LicenseStatus status, int currentVersion, IEnumerable<LicenseVersion> versions, DateTime createdAtUtc, DateTime updatedAtUtc)
    {
        ArgumentNullException.ThrowIfNull(number);
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentNullException.ThrowIfNull(versions);
        var ordered = versions.OrderBy(v => v.Number).ToList();
        var current = ordered.SingleOrDefault(v => v.Number == currentVersion)
            ?? throw new InvalidOperationException($"The stored license has no version {currentVersion}, its current one.");
        if (ordered.Any(v => v.Id.SeriesKey != current.Id.SeriesKey))
        {
            throw new InvalidOperationException($"The stored versions of {current.Id} belong to different licenses.");
        }

        if (status is not (LicenseStatus.Valid or LicenseStatus.Suspended or LicenseStatus.Revoked))
        {
            throw new InvalidOperationException($"{status} is derived from the validity dates, never recorded.");
        }

        return new License(number, holder, status, ordered, current, createdAtUtc, updatedAtUtc);
    }

    /// <summary>Whether <paramref name="contentSha256"/> is the current version's content, so a push of it changes nothing.</summary>
    public bool IsCurrentContent(string contentSha256) => Current.ContentSha256 == contentSha256;

    /// <summary>Applies a push to this license: the same content is unchanged; other content needs 变更 and adds a version.</summary>
    /// <remarks>
    /// Refused, in this order: other content without 变更 (content-conflict), a revoked license (invalid-status-transition),
    /// another holder (validation-failed, /持证主体代码), and a license that already has <see cref="MaxVersions"/> versions
    /// (validation-failed, /变更). A suspended license may be changed; the change keeps it suspended.
    /// </remarks>
    public LicenseRevision Revise(LicenseContent content, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(content);
        var current = Current;
        if (IsCurrentContent(content.ContentSha256))
        {
            return LicenseRevision.Unchanged(current);
        }

        if (content.ChangeReason is null)
        {
            var older = versions.FirstOrDefault(v => v.ContentSha256 == content.ContentSha256);
            return LicenseRevision.Refused(new RegistryException(RegistryErrorCodes.ContentConflict, older is not null
                ? $"This content is version {older.Number}, which version {current.Number} superseded; the current version is {current.Id}."
                : $"Different content is already stored for this 证照编号 as {current.Id}. To store a new version, push it with \"变更\": {{\"原因\": \"...\"}}."));
        }

        if (Status == LicenseStatus.Revoked)
        {
            return LicenseRevision.Refused(new RegistryException(RegistryErrorCodes.InvalidStatusTransition,
                $"{current.Id} is revoked: a revoked license cannot be changed; issue a new license instead."));
        }

        if (Holder.Code != content.Holder.Code)
        {
            return LicenseRevision.Refused(RegistryException.Validation("/" + MetadataNames.HolderCode,
                "a 变更 cannot change the holder; revoke this license and issue a new one"));
        }

        if (current.Number >= MaxVersions)
        {
            return LicenseRevision.Refused(RegistryException.Validation("/" + MetadataNames.Change,
                $"the license already has {MaxVersions} versions, the most a 证照标识 can number"));
        }

        current.Supersede(now);
        var added = LicenseVersion.From(current.Id.WithVersion(current.Number + 1), content, now);
        versions.Add(added);
        Current = added;
        Holder = Holder with { Name = content.Holder.Name };
        UpdatedAtUtc = now;
        return LicenseRevision.Added(added, current);
    }

    /// <summary>Refuses a malformed status request (a reason code not allowed for <paramref name="action"/>, an overlong note), or returns null.</summary>
    /// <remarks>Independent of any license, so a service can answer it before looking the license up.</remarks>
    public static RegistryException? RefuseStatusRequest(LifecycleAction action, string? reasonCode, string? note)
    {
        var allowed = Reasons(action);
        var errors = new List<FieldError>();
        if (reasonCode is null || !allowed.ContainsKey(reasonCode))
        {
            errors.Add(new FieldError("/reasonCode", "must be one of: " + string.Join(", ", allowed.Select(r => $"{r.Key} ({r.Value})"))));
        }

        if (note is { Length: > MaxNoteLength })
        {
            errors.Add(new FieldError("/note", $"must be at most {MaxNoteLength} characters"));
        }

        return errors.Count > 0 ? RegistryException.Validation(errors) : null;
    }

    /// <summary>The status <paramref name="action"/> leads to.</summary>
    /// <remarks>Anything but revoke and suspend is read as resume, as the lifecycle API always has.</remarks>
    public static LicenseStatus TargetOf(LifecycleAction action) => action switch
    {
        LifecycleAction.Revoke => LicenseStatus.Revoked,
        LifecycleAction.Suspend => LicenseStatus.Suspended,
        _ => LicenseStatus.Valid,
    };

    /// <summary>注销 / 吊销 / 撤销: from valid or suspended; final.</summary>
    public StatusDecision Revoke(string reasonCode, string? note, UnifiedSocialCreditCode by, DateTime now) =>
        ChangeStatus(LifecycleAction.Revoke, reasonCode, note, by, now);

    /// <summary>暂停 (e.g. 暂扣): from valid only.</summary>
    public StatusDecision Suspend(string reasonCode, string? note, UnifiedSocialCreditCode by, DateTime now) =>
        ChangeStatus(LifecycleAction.Suspend, reasonCode, note, by, now);

    /// <summary>恢复: from suspended only.</summary>
    public StatusDecision Resume(string reasonCode, string? note, UnifiedSocialCreditCode by, DateTime now) =>
        ChangeStatus(LifecycleAction.Resume, reasonCode, note, by, now);

    /// <summary>Applies <paramref name="action"/> if the recorded status allows it; a refused request changes nothing.</summary>
    /// <remarks>
    /// Allowed: valid → suspended, valid or suspended → revoked, suspended → valid. Anything else, revoked to anything
    /// included, is invalid-status-transition. A malformed request is refused first, as <see cref="RefuseStatusRequest"/> would.
    /// </remarks>
    public StatusDecision ChangeStatus(LifecycleAction action, string? reasonCode, string? note, UnifiedSocialCreditCode by, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(by);
        var from = Status;
        var target = TargetOf(action);
        if (RefuseStatusRequest(action, reasonCode, note) is { } malformed)
        {
            return StatusDecision.Refused(from, target, malformed);
        }

        var permitted = target switch
        {
            LicenseStatus.Revoked => from is LicenseStatus.Valid or LicenseStatus.Suspended,
            LicenseStatus.Suspended => from is LicenseStatus.Valid,
            _ => from is LicenseStatus.Suspended,
        };
        if (!permitted)
        {
            return StatusDecision.Refused(from, target, new RegistryException(RegistryErrorCodes.InvalidStatusTransition,
                $"The license is {from.ToString().ToLowerInvariant()}; it cannot become {target.ToString().ToLowerInvariant()} from there."));
        }

        Status = target;
        UpdatedAtUtc = now;
        return StatusDecision.Made(new StatusChange(from, target, reasonCode!, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), by, now));
    }

    /// <summary>The status a verifier sees at <paramref name="now"/>: the recorded one, or expired / not yet valid by the current version's dates.</summary>
    public LicenseStatus StatusOn(DateTimeOffset now) => StatusOn(Status, Current.ValidFrom, Current.ValidUntil, ChinaDate(now));

    /// <summary>The status a verifier sees on <paramref name="today"/> (a Beijing date): a recorded suspension or revocation wins, then the validity dates.</summary>
    /// <remarks>Both ends are inclusive: a license is valid on its 有效期起始日期 and still valid on its 有效期截止日期.</remarks>
    public static LicenseStatus StatusOn(LicenseStatus recorded, DateOnly validFrom, DateOnly? validUntil, DateOnly today) =>
        recorded != LicenseStatus.Valid ? recorded
        : validUntil < today ? LicenseStatus.Expired
        : validFrom > today ? LicenseStatus.NotYetValid
        : LicenseStatus.Valid;

    /// <summary>The Beijing date (UTC+8) at <paramref name="instant"/>: the date validity is judged by.</summary>
    public static DateOnly ChinaDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(ChinaOffset).DateTime);

    private static IReadOnlyDictionary<string, string> Reasons(LifecycleAction action) => action switch
    {
        LifecycleAction.Revoke => LifecycleReasons.Revoke,
        LifecycleAction.Suspend => LifecycleReasons.Suspend,
        _ => LifecycleReasons.Resume,
    };
}
