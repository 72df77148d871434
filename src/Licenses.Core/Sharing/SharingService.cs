using System.Text.Json;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Registry;
using ElectronicLicense.Licenses.Storage;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Sharing;

/// <summary>Departments reading holders' licenses under a grant, a 无条件共享 type or their duties; holders reading their own.</summary>
/// <remarks>Every read, allowed or refused, is appended to the audit trail with the holder's code so the holder sees it.</remarks>
public sealed class SharingService
{
    private const int MaxDutyText = 64;
    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly LicenseCatalog catalog;
    private readonly LicenseQueryService queries;
    private readonly IObjectStore objects;
    private readonly IAuditTrail audit;
    private readonly TimeProvider clock;

    internal SharingService(
        IDbContextFactory<RegistryDbContext> contexts, LicenseCatalog catalog, LicenseQueryService queries, IObjectStore objects, IAuditTrail audit, TimeProvider clock)
    {
        this.contexts = contexts;
        this.catalog = catalog;
        this.queries = queries;
        this.objects = objects;
        this.audit = audit;
        this.clock = clock;
    }

    /// <summary>The holder's licenses the grant covers (listing does not spend a use, but the grant must be live).</summary>
    public async Task<IReadOnlyList<SharedLicense>> ListUnderGrantAsync(DepartmentIdentity caller, string grantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var grant = await RequireGrantAsync(db, caller, grantId, null, cancellationToken);
        if (grant.State != GrantState.Active)
        {
            await DenyAsync(caller, grant, null, null, "grant-" + Names(grant.State), cancellationToken);
            throw NotUsable(grant.State);
        }

        var typeCodes = grant.LicenseTypes.ToHashSet(StringComparer.Ordinal);
        var licenses = await db.Licenses.AsNoTracking()
            .Include(l => l.Versions).ThenInclude(v => v.Documents).Include(l => l.StatusChanges).AsSplitQuery()
            .Where(l => l.HolderCode == grant.HolderCode).OrderBy(l => l.Id).Take(500).ToListAsync(cancellationToken);
        var result = new List<SharedLicense>();
        foreach (var license in licenses.Where(l => typeCodes.Contains(l.TypeCode.Value)))
        {
            var view = queries.ToView(license, license.Versions.Single(v => v.Version == license.CurrentVersion).LicenseId);
            if (catalog.TryGet(view.TypeCode, out var type) && type.SharingLevel != SharingLevel.NotShared)
            {
                // The list names the licenses only; their fields are read one by one, each spending a use.
                result.Add(new SharedLicense(view.CurrentId.Value, type.Code.Value, type.Name, view.Status, new Dictionary<string, JsonElement>(),
                    HolderIdentification(Current(view).Data, grant.Fields), AccessBasis.Grant, grant.Id));
            }
        }

        return result;
    }

    /// <summary>Reads one license under a grant: only the granted fields, one use spent.</summary>
    /// <exception cref="RegistryException">No such grant, not the caller's, not live, or it does not cover the license.</exception>
    public async Task<SharedLicense> ReadUnderGrantAsync(DepartmentIdentity caller, string grantId, LicenseId licenseId, CancellationToken cancellationToken = default)
    {
        var (grant, view, type) = await UseGrantAsync(caller, grantId, licenseId, document: false, cancellationToken);
        var data = Current(view).Data;
        var fields = FieldProjection.Select(data, grant.Fields.Where(f => GrantRules.HasField(type, f)));
        await audit.AppendAsync(ShareEvent(caller, grant, view, fields.Keys.ToArray(), "grant"), cancellationToken);
        return new SharedLicense(view.CurrentId.Value, type.Code.Value, type.Name, view.Status, fields, HolderIdentification(data, grant.Fields), AccessBasis.Grant, grant.Id);
    }

    /// <summary>Opens the sealed document of a license under a grant that lists <see cref="GrantFields.Document"/>; one use spent.</summary>
    public async Task<(LicenseDocumentView Document, Stream Content)> OpenDocumentUnderGrantAsync(
        DepartmentIdentity caller, string grantId, LicenseId licenseId, string format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(format);
        var (grant, view, _) = await UseGrantAsync(caller, grantId, licenseId, document: true, cancellationToken);
        var document = Current(view).Documents.FirstOrDefault(d => string.Equals(d.Format, format, StringComparison.OrdinalIgnoreCase))
            ?? throw new RegistryException(RegistryErrorCodes.DocumentNotFound, $"The license has no {format.ToUpperInvariant()} document.");
        var content = await objects.OpenReadAsync(document.Sha256, cancellationToken)
            ?? throw new InvalidOperationException($"The object store has lost document {document.Sha256}.");
        await audit.AppendAsync(ShareEvent(caller, grant, view, [GrantFields.Document], "document:" + document.Format), cancellationToken);
        return (document, content);
    }

    /// <summary>Reads a license without a grant: only a verifier, only for a 无条件共享 type; sensitive fields masked.</summary>
    public async Task<SharedLicense> ReadUnconditionalAsync(DepartmentIdentity caller, LicenseId licenseId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (view, type, holderCode) = await LoadAsync(licenseId, cancellationToken);
        if (view is null || type is null || caller.Role != DepartmentRole.Verifier || type.SharingLevel != SharingLevel.Unconditional)
        {
            await audit.AppendAsync(DepartmentEvent(AuditActions.Share, AuditOutcome.Denied, caller, holderCode, view is null ? null : licenseId.Value, type?.Code.Value, "no-grant"), cancellationToken);
            throw new RegistryException(RegistryErrorCodes.NotAuthorised,
                "Reading a holder's license needs a live grant (?grant=), unless its type is 无条件共享 and the caller is a verifier.");
        }

        var (fields, masked) = FieldProjection.PublicView(Current(view).Data, type);
        await audit.AppendAsync(DepartmentEvent(AuditActions.Share, AuditOutcome.Success, caller, holderCode, view.CurrentId.Value, type.Code.Value, "unconditional") with
        {
            Fields = fields.Keys.ToArray(),
        }, cancellationToken);
        return new SharedLicense(view.CurrentId.Value, type.Code.Value, type.Name, view.Status, fields, masked, AccessBasis.Unconditional, null);
    }

    /// <summary>依职能用证: a verifier reads a license for its duties, giving a legal basis, the officer and the case number.</summary>
    /// <exception cref="RegistryException">A part of the basis is missing (400 naming it), the caller is not a verifier, or the type is 不予共享.</exception>
    public async Task<SharedLicense> ReadForDutyAsync(DepartmentIdentity caller, LicenseId licenseId, DutyBasis basis, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(basis);
        var errors = new List<FieldError>();
        Require(basis.LegalBasis, "legalBasis", errors);
        Require(basis.OfficerId, "officerId", errors);
        Require(basis.CaseNumber, "caseNumber", errors);
        var (view, type, holderCode) = await LoadAsync(licenseId, cancellationToken);
        var entry = DepartmentEvent(AuditActions.DutyAccess, AuditOutcome.Denied, caller, holderCode, view?.CurrentId.Value, type?.Code.Value, null) with
        {
            LegalBasis = Trimmed(basis.LegalBasis),
            OfficerId = Trimmed(basis.OfficerId),
            CaseNumber = Trimmed(basis.CaseNumber),
        };
        if (errors.Count > 0)
        {
            await audit.AppendAsync(entry with { Detail = RegistryErrorCodes.DutyBasisRequired }, cancellationToken);
            throw new RegistryException(RegistryErrorCodes.DutyBasisRequired,
                "依职能用证 needs a legal-basis code, the officer's identity and the case number.", errors);
        }

        if (view is null || type is null || caller.Role != DepartmentRole.Verifier || type.SharingLevel == SharingLevel.NotShared)
        {
            await audit.AppendAsync(entry with { Detail = view is null ? "unknown-license" : type?.SharingLevel == SharingLevel.NotShared ? "not-shared" : "role" }, cancellationToken);
            throw new RegistryException(RegistryErrorCodes.NotAuthorised, view is null
                ? "No license the caller may read has this 证照标识."
                : "依职能用证 is for verifier credentials, and 不予共享 types are never shared.");
        }

        var data = Current(view).Data;
        var fields = FieldProjection.Select(data, type.DisplayOrder);
        await audit.AppendAsync(entry with { Outcome = AuditOutcome.Success, Fields = fields.Keys.ToArray(), Detail = "duty" }, cancellationToken);
        return new SharedLicense(view.CurrentId.Value, type.Code.Value, type.Name, view.Status, fields, new Dictionary<string, string>(), AccessBasis.Duty, null);
    }

    /// <summary>The holder's own licenses with their data.</summary>
    public async Task<IReadOnlyList<HolderLicense>> HolderLicensesAsync(HolderIdentity holder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(holder);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var licenses = await db.Licenses.AsNoTracking()
            .Include(l => l.Versions).ThenInclude(v => v.Documents).Include(l => l.StatusChanges).AsSplitQuery()
            .Where(l => l.HolderCode == holder.Code).OrderBy(l => l.Id).Take(500).ToListAsync(cancellationToken);
        return licenses.Select(l =>
        {
            var view = queries.ToView(l, l.Versions.Single(v => v.Version == l.CurrentVersion).LicenseId);
            var level = catalog.TryGet(view.TypeCode, out var type) ? type.SharingLevel : SharingLevel.NotShared;
            return new HolderLicense(view.CurrentId.Value, view.TypeCode.Value, view.TypeName, view.Number, view.IssuerCode, view.Status, level, Current(view).Data);
        }).ToArray();
    }

    internal static LicenseVersionView Current(LicenseView view) => view.Versions.Single(v => v.LicenseId == view.CurrentId);

    /// <summary>Loads a license and its type; nulls when it does not exist (callers refuse without telling which).</summary>
    internal async Task<(LicenseView? View, LicenseType? Type, string? HolderCode)> LoadAsync(LicenseId id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        LicenseRecord record;
        try
        {
            record = await LicenseQueryService.LoadAsync(db, id, cancellationToken);
        }
        catch (RegistryException e) when (e.Code == RegistryErrorCodes.LicenseNotFound)
        {
            return (null, null, null);
        }

        var view = queries.ToView(record, id);
        return (view, catalog.TryGet(view.TypeCode, out var type) ? type : null, record.HolderCode);
    }

    private async Task<(Grant Grant, LicenseView View, LicenseType Type)> UseGrantAsync(
        DepartmentIdentity caller, string grantId, LicenseId licenseId, bool document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(licenseId);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var grant = await RequireGrantAsync(db, caller, grantId, licenseId, cancellationToken);
        var (view, type, holderCode) = await LoadAsync(licenseId, cancellationToken);
        if (view is null || type is null || holderCode != grant.HolderCode || !grant.LicenseTypes.Contains(type.Code.Value, StringComparer.Ordinal)
            || type.SharingLevel == SharingLevel.NotShared)
        {
            // Recorded for the license's own holder (if any), not the grant's: the grant's holder must not learn of other holders' licenses.
            await audit.AppendAsync(DepartmentEvent(AuditActions.Share, AuditOutcome.Denied, caller, holderCode, view is null ? null : licenseId.Value, type?.Code.Value, "grant-does-not-cover") with
            {
                GrantId = holderCode == grant.HolderCode ? grant.Id : null,
            }, cancellationToken);
            throw new RegistryException(RegistryErrorCodes.NotAuthorised, "The grant does not cover this license.");
        }

        if (document && !grant.Fields.Contains(GrantFields.Document, StringComparer.Ordinal))
        {
            await DenyAsync(caller, grant, view.CurrentId.Value, type.Code.Value, "document-not-granted", cancellationToken);
            throw new RegistryException(RegistryErrorCodes.NotAuthorised,
                $"The document carries every field: the grant must list \"{GrantFields.Document}\" to share it.");
        }

        // One conditional UPDATE: concurrent reads can never spend more uses than the grant allows, and a revocation
        // committed before it is seen at once.
        var now = clock.GetUtcNow().UtcDateTime;
        var spent = await db.Grants
            .Where(g => g.Id == grant.Id && g.RevokedAtUtc == null && g.NotBeforeUtc <= now && g.NotAfterUtc > now && g.Uses < g.MaxUses)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.Uses, g => g.Uses + 1), cancellationToken);
        if (spent == 0)
        {
            var state = GrantService.ToGrant(await db.Grants.AsNoTracking().SingleAsync(g => g.Id == grant.Id, cancellationToken), clock.GetUtcNow()).State;
            state = state == GrantState.Active ? GrantState.Exhausted : state;
            await DenyAsync(caller, grant, view.CurrentId.Value, type.Code.Value, "grant-" + Names(state), cancellationToken);
            throw NotUsable(state);
        }

        return (grant, view, type);
    }

    private async Task<Grant> RequireGrantAsync(RegistryDbContext db, DepartmentIdentity caller, string grantId, LicenseId? licenseId, CancellationToken cancellationToken)
    {
        var record = grantId is { Length: 32 } ? await db.Grants.AsNoTracking().SingleOrDefaultAsync(g => g.Id == grantId, cancellationToken) : null;
        if (record is null || record.GranteeCode != caller.Code.Value)
        {
            await audit.AppendAsync(DepartmentEvent(AuditActions.Share, AuditOutcome.Denied, caller, record?.HolderCode, null, null, "grant-unknown") with
            {
                GrantId = record?.Id,
                LicenseId = record is null ? null : licenseId?.Value,
            }, cancellationToken);
            throw new RegistryException(RegistryErrorCodes.GrantNotFound, "No grant with this id was made to the caller's department.");
        }

        return GrantService.ToGrant(record, clock.GetUtcNow());
    }

    private Task DenyAsync(DepartmentIdentity caller, Grant grant, string? licenseId, string? typeCode, string detail, CancellationToken cancellationToken) =>
        audit.AppendAsync(DepartmentEvent(AuditActions.Share, AuditOutcome.Denied, caller, grant.HolderCode, licenseId, typeCode, detail) with
        {
            GrantId = grant.Id,
            Purpose = grant.ItemCode,
            CaseNumber = grant.SerialNumber,
        }, cancellationToken);

    private static RegistryException NotUsable(GrantState state) => new(RegistryErrorCodes.GrantNotUsable, state switch
    {
        GrantState.Revoked => "The holder has revoked this grant.",
        GrantState.Pending => "The grant's window has not started.",
        GrantState.Expired => "The grant's window has ended.",
        _ => "Every use of this grant is spent.",
    });

    private static string Names(GrantState state) => state.ToString().ToLowerInvariant();

    private static AuditEntry ShareEvent(DepartmentIdentity caller, Grant grant, LicenseView view, IReadOnlyList<string> fields, string detail) =>
        DepartmentEvent(AuditActions.Share, AuditOutcome.Success, caller, grant.HolderCode, view.CurrentId.Value, view.TypeCode.Value, detail) with
        {
            GrantId = grant.Id,
            Purpose = grant.ItemCode,
            CaseNumber = grant.SerialNumber,
            Fields = fields,
        };

    internal static AuditEntry DepartmentEvent(
        string action, AuditOutcome outcome, DepartmentIdentity caller, string? holderCode, string? licenseId, string? typeCode, string? detail) => new()
    {
        Action = action,
        Outcome = outcome,
        ActorKind = AuditActorKind.Department,
        Department = caller.Code.Value,
        Role = DepartmentNames.Of(caller.Role),
        HolderCode = holderCode,
        LicenseId = licenseId,
        TypeCode = typeCode,
        Detail = detail,
    };

    /// <summary>The holder code, masked unless the grant discloses it: enough to tell whose license it is.</summary>
    private static Dictionary<string, string> HolderIdentification(JsonElement data, IReadOnlyList<string> grantedFields)
    {
        var masked = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!grantedFields.Contains(MetadataNames.HolderCode, StringComparer.Ordinal) && FieldProjection.Masked(data, MetadataNames.HolderCode) is { } text)
        {
            masked[MetadataNames.HolderCode] = text;
        }

        return masked;
    }

    private static void Require(string? value, string name, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Length > MaxDutyText)
        {
            errors.Add(new FieldError("/" + name, $"is required: 1–{MaxDutyText} characters"));
        }
    }

    private static string? Trimmed(string? value) => value is null ? null : value.Trim() is { Length: > 0 and <= MaxDutyText } t ? t : null;
}
