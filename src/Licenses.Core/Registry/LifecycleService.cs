using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Registry;

/// <summary>A lifecycle action on a license.</summary>
public enum LifecycleAction
{
    /// <summary>注销 / 吊销 / 撤销: final.</summary>
    Revoke,

    /// <summary>暂停: reversible.</summary>
    Suspend,

    /// <summary>恢复 a suspended license.</summary>
    Resume,
}

/// <summary>Revokes, suspends and resumes licenses, keeping every change in the status history.</summary>
public sealed class LifecycleService
{
    private const int MaxAttempts = 4;
    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly LicenseQueryService queries;
    private readonly TimeProvider clock;
    private readonly StatusLists.StatusListStore? statusLists;
    private readonly IAuditTrail? audit;

    internal LifecycleService(
        IDbContextFactory<RegistryDbContext> contexts, LicenseQueryService queries, TimeProvider clock, StatusLists.StatusListStore? statusLists = null, IAuditTrail? audit = null)
    {
        this.audit = audit;
        this.statusLists = statusLists;
        this.contexts = contexts;
        this.queries = queries;
        this.clock = clock;
    }

    /// <summary>Applies <paramref name="action"/> to the license that <paramref name="id"/> names (any version).</summary>
    /// <exception cref="RegistryException">Unknown license, caller not its issuer, unknown reason code, or a transition not allowed from the current status.</exception>
    public async Task<LicenseView> ChangeStatusAsync(
        DepartmentIdentity caller, LicenseId id, LifecycleAction action, string? reasonCode, string? note, CancellationToken cancellationToken = default)
    {
        var (allowed, target) = action switch
        {
            LifecycleAction.Revoke => (LifecycleReasons.Revoke, LicenseStatus.Revoked),
            LifecycleAction.Suspend => (LifecycleReasons.Suspend, LicenseStatus.Suspended),
            _ => (LifecycleReasons.Resume, LicenseStatus.Valid),
        };
        var errors = new List<FieldError>();
        if (reasonCode is null || !allowed.ContainsKey(reasonCode))
        {
            errors.Add(new FieldError("/reasonCode", "must be one of: " + string.Join(", ", allowed.Select(r => $"{r.Key} ({r.Value})"))));
        }

        if (note is { Length: > 500 })
        {
            errors.Add(new FieldError("/note", "must be at most 500 characters"));
        }

        if (errors.Count > 0)
        {
            throw RegistryException.Validation(errors);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryChangeAsync(caller, id, target, reasonCode!, note, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                // Another change landed first; re-read so the transition is checked against the new status.
            }
        }
    }

    private async Task<LicenseView> TryChangeAsync(
        DepartmentIdentity caller, LicenseId id, LicenseStatus target, string reasonCode, string? note, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var license = await LicenseQueryService.LoadAsync(db, id, cancellationToken);
        var mayChange = caller.Role == DepartmentRole.Admin
            || (caller.Role == DepartmentRole.Issuer && license.IssuerCode == caller.Code.Value);
        if (!mayChange)
        {
            throw new RegistryException(RegistryErrorCodes.NotAuthorised, "Only the issuing department (or an administrator) may change a license's status.");
        }

        var from = license.Status;
        var permitted = target switch
        {
            LicenseStatus.Revoked => from is LicenseStatus.Valid or LicenseStatus.Suspended,
            LicenseStatus.Suspended => from is LicenseStatus.Valid,
            _ => from is LicenseStatus.Suspended,
        };
        if (!permitted)
        {
            await RecordAsync(caller, license, id, AuditOutcome.Failed, $"{from} -> {target} refused ({reasonCode})".ToLowerInvariant());
            throw new RegistryException(RegistryErrorCodes.InvalidStatusTransition,
                $"The license is {from.ToString().ToLowerInvariant()}; it cannot become {target.ToString().ToLowerInvariant()} from there.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        license.Status = target;
        license.UpdatedAtUtc = now;
        license.StatusChanges.Add(new StatusChangeRecord
        {
            FromStatus = from,
            ToStatus = target,
            ReasonCode = reasonCode,
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
            ByDepartment = caller.Code.Value,
            AtUtc = now,
        });
        if (statusLists is not null)
        {
            // Same SaveChanges, so the status list never disagrees with the license.
            await statusLists.RefreshAsync(db, license, now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await RecordAsync(caller, license, id, AuditOutcome.Success, $"{from} -> {target} ({reasonCode})".ToLowerInvariant());
        return queries.ToView(license, id);
    }

    // After the commit, and not cancelled by a departing caller: the change happened and the log must say so.
    private Task RecordAsync(DepartmentIdentity caller, LicenseRecord license, LicenseId id, AuditOutcome outcome, string detail) =>
        audit is null
            ? Task.CompletedTask
            : audit.AppendAsync(caller.Entry(AuditActions.StatusChange, outcome) with
            {
                HolderCode = license.HolderCode,
                LicenseId = id.Value,
                TypeCode = license.TypeCode.Value,
                Detail = detail,
            }, CancellationToken.None);
}
