using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Lifecycle;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Registry;

/// <summary>Revokes, suspends and resumes licenses, keeping every change in the status history.</summary>
/// <remarks>Loads the license, asks the <see cref="License"/> aggregate whether the change is allowed, and writes what it answers.</remarks>
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
        if (License.RefuseStatusRequest(action, reasonCode, note) is { } malformed)
        {
            throw malformed;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryChangeAsync(caller, id, action, reasonCode!, note, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                // Another change landed first; re-read so the transition is checked against the new status.
            }
        }
    }

    private async Task<LicenseView> TryChangeAsync(
        DepartmentIdentity caller, LicenseId id, LifecycleAction action, string reasonCode, string? note, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await LicenseQueryService.LoadAsync(db, id, cancellationToken);
        var mayChange = caller.Role == DepartmentRole.Admin
            || (caller.Role == DepartmentRole.Issuer && record.IssuerCode == caller.Code.Value);
        if (!mayChange)
        {
            throw new RegistryException(RegistryErrorCodes.NotAuthorised, "Only the issuing department (or an administrator) may change a license's status.");
        }

        var license = record.ToLicense();
        var now = clock.GetUtcNow().UtcDateTime;
        var decision = license.ChangeStatus(action, reasonCode, note, caller.Code, now);
        if (decision.IsRefused)
        {
            if (audit is not null)
            {
                // Nothing is written, so nothing to commit with: appended directly.
                await audit.AppendAsync(Entry(caller, record, id, AuditOutcome.Failed, $"{decision.From} -> {decision.To} refused ({reasonCode})".ToLowerInvariant()), CancellationToken.None);
            }

            throw decision.Refusal;
        }

        record.Apply(license, decision.Change);
        if (statusLists is not null)
        {
            // Same SaveChanges, so the status list never disagrees with the license.
            await statusLists.RefreshAsync(db, record, now, cancellationToken);
        }

        if (audit is not null)
        {
            // In the change's own transaction: the log can never miss a status change, nor record one that rolled back.
            AuditOutbox.Add(db, Entry(caller, record, id, AuditOutcome.Success, $"{decision.From} -> {decision.To} ({reasonCode})".ToLowerInvariant()), now);
        }

        await db.SaveChangesAsync(cancellationToken);
        await AuditOutbox.AppendCommittedAsync(audit);
        return queries.ToView(record, id);
    }

    private static AuditEntry Entry(DepartmentIdentity caller, LicenseRecord license, LicenseId id, AuditOutcome outcome, string detail) =>
        caller.Entry(AuditActions.StatusChange, outcome) with
        {
            HolderCode = license.HolderCode,
            LicenseId = id.Value,
            TypeCode = license.TypeCode.Value,
            Detail = detail,
        };
}
