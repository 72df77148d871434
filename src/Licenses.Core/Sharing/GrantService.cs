using System.Security.Cryptography;
using System.Text.Json;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Sharing;

/// <summary>Grants (授权) made, listed and revoked by holders. Default deny: nothing is shared without a live grant.</summary>
public sealed class GrantService
{
    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly LicenseCatalog catalog;
    private readonly DepartmentDirectory departments;
    private readonly IAuditTrail audit;
    private readonly TimeProvider clock;
    private readonly SharingOptions options;

    internal GrantService(
        IDbContextFactory<RegistryDbContext> contexts, LicenseCatalog catalog, DepartmentDirectory departments, IAuditTrail audit, TimeProvider clock, SharingOptions options)
    {
        this.contexts = contexts;
        this.catalog = catalog;
        this.departments = departments;
        this.audit = audit;
        this.clock = clock;
        this.options = options;
    }

    /// <summary>Creates a grant from <paramref name="holder"/> to a department.</summary>
    /// <exception cref="RegistryException">Invalid request (422 naming the field).</exception>
    public async Task<Grant> CreateAsync(HolderIdentity holder, GrantRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentNullException.ThrowIfNull(request);
        var now = clock.GetUtcNow();
        var valid = GrantRules.Validate(request, catalog, options, now);
        if ((await departments.ListAsync(cancellationToken)).All(d => d.Code != valid.Grantee))
        {
            throw RegistryException.Validation("/grantee", "is not a department known to the registry");
        }

        var record = new GrantRecord
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            HolderCode = holder.Code,
            AgentCode = holder.AgentCode,
            GranteeCode = valid.Grantee.Value,
            TypeCodesJson = JsonSerializer.Serialize(valid.Types.Select(t => t.Code.Value)),
            FieldsJson = JsonSerializer.Serialize(valid.Fields),
            ItemCode = valid.ItemCode,
            SerialNumber = valid.SerialNumber,
            NotBeforeUtc = valid.NotBefore.UtcDateTime,
            NotAfterUtc = valid.NotAfter.UtcDateTime,
            MaxUses = valid.MaxUses,
            CreatedAtUtc = now.UtcDateTime,
        };
        var grant = ToGrant(record, now);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            // The grant and its event are committed together.
            db.Grants.Add(record);
            AuditOutbox.Add(db, HolderEvent(AuditActions.GrantCreate, AuditOutcome.Success, holder, grant), now.UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
        }

        await AuditOutbox.AppendCommittedAsync(audit);
        return grant;
    }

    /// <summary>The holder's grants, newest first.</summary>
    public async Task<IReadOnlyList<Grant>> ListAsync(HolderIdentity holder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(holder);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var records = await db.Grants.AsNoTracking().Where(g => g.HolderCode == holder.Code).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return records.OrderByDescending(r => r.CreatedAtUtc).ThenBy(r => r.Id, StringComparer.Ordinal).Select(r => ToGrant(r, now)).ToArray();
    }

    /// <summary>One of the holder's grants.</summary>
    /// <exception cref="RegistryException">No such grant of this holder (404: another holder's grant is not revealed).</exception>
    public async Task<Grant> GetAsync(HolderIdentity holder, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(holder);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return ToGrant(await FindOwnAsync(db, holder, id, cancellationToken), clock.GetUtcNow());
    }

    /// <summary>Revokes one of the holder's grants; every later use is refused. Revoking twice keeps the first time.</summary>
    public async Task<Grant> RevokeAsync(HolderIdentity holder, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(holder);
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await FindOwnAsync(db, holder, id, cancellationToken);
        record.RevokedAtUtc ??= now.UtcDateTime;
        var grant = ToGrant(record, now);
        AuditOutbox.Add(db, HolderEvent(AuditActions.GrantRevoke, AuditOutcome.Success, holder, grant), now.UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        await AuditOutbox.AppendCommittedAsync(audit);
        return grant;
    }

    internal static Grant ToGrant(GrantRecord r, DateTimeOffset now)
    {
        var notBefore = new DateTimeOffset(r.NotBeforeUtc, TimeSpan.Zero);
        var notAfter = new DateTimeOffset(r.NotAfterUtc, TimeSpan.Zero);
        return new Grant(
            r.Id,
            r.HolderCode,
            r.GranteeCode,
            JsonSerializer.Deserialize<string[]>(r.TypeCodesJson)!,
            JsonSerializer.Deserialize<string[]>(r.FieldsJson)!,
            r.ItemCode,
            r.SerialNumber,
            notBefore,
            notAfter,
            r.MaxUses,
            r.Uses,
            new DateTimeOffset(r.CreatedAtUtc, TimeSpan.Zero),
            r.RevokedAtUtc is { } revoked ? new DateTimeOffset(revoked, TimeSpan.Zero) : null,
            GrantRules.StateOf(r.RevokedAtUtc, notBefore, notAfter, r.Uses, r.MaxUses, now));
    }

    private static async Task<GrantRecord> FindOwnAsync(RegistryDbContext db, HolderIdentity holder, string id, CancellationToken cancellationToken)
    {
        var record = id.Length == 32 ? await db.Grants.SingleOrDefaultAsync(g => g.Id == id, cancellationToken) : null;
        return record is not null && record.HolderCode == holder.Code
            ? record
            : throw new RegistryException(RegistryErrorCodes.GrantNotFound, "You have no grant with this id.");
    }

    private static AuditEntry HolderEvent(string action, AuditOutcome outcome, HolderIdentity holder, Grant grant) => new()
    {
        Action = action,
        Outcome = outcome,
        ActorKind = AuditActorKind.Holder,
        HolderCode = holder.Code,
        AgentCode = holder.AgentCode,
        Department = grant.Grantee,
        GrantId = grant.Id,
        Purpose = grant.ItemCode,
        CaseNumber = grant.SerialNumber,
        Fields = grant.Fields,
        Detail = string.Join(',', grant.LicenseTypes),
    };
}
