using ElectronicLicense.Licenses.Lifecycle;
using System.Text.Json;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Storage;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Registry;

/// <summary>Reads licenses for departments whose role allows it.</summary>
/// <remarks>
/// Issuers see the licenses they issued; archivists and admins see all. Verifiers see none here: a department reads a
/// holder's data only under a grant or a duty basis (SharingService), or checks a license by 核验 (VerificationService).
/// </remarks>
public sealed class LicenseQueryService
{
    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly LicenseCatalog catalog;
    private readonly TimeProvider clock;

    private readonly IObjectStore? objects;
    private readonly IAuditTrail? audit;

    internal LicenseQueryService(
        IDbContextFactory<RegistryDbContext> contexts, LicenseCatalog catalog, TimeProvider clock, IObjectStore? objects = null, IAuditTrail? audit = null)
    {
        this.audit = audit;
        this.objects = objects;
        this.contexts = contexts;
        this.catalog = catalog;
        this.clock = clock;
    }

    /// <summary>Reads a license by the 证照标识 of any of its versions.</summary>
    /// <exception cref="RegistryException">Not found, or the caller may not read it.</exception>
    public async Task<LicenseView> GetAsync(DepartmentIdentity caller, LicenseId id, CancellationToken cancellationToken = default)
    {
        var (license, view) = await ReadAsync(caller, id, cancellationToken);
        await RecordAsync(caller, license.HolderCode, id, license.TypeCode, AuditOutcome.Success, "data");
        return view;
    }

    private async Task<(LicenseRecord License, LicenseView View)> ReadAsync(DepartmentIdentity caller, LicenseId id, CancellationToken cancellationToken)
    {
        RefuseVerifier(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var license = await LoadAsync(db, id, cancellationToken);
        if (caller.Role == DepartmentRole.Issuer && license.IssuerCode != caller.Code.Value)
        {
            await RecordAsync(caller, license.HolderCode, id, license.TypeCode, AuditOutcome.Denied, "not the issuer");
            throw new RegistryException(RegistryErrorCodes.NotAuthorised, "An issuing department may read only the licenses it issued.");
        }

        return (license, ToView(license, id));
    }

    // A department's direct read is a use of the holder's license (用证): the holder sees it in their access log.
    private Task RecordAsync(DepartmentIdentity caller, string holderCode, LicenseId? id, LicenseTypeCode? type, AuditOutcome outcome, string detail) =>
        audit is null
            ? Task.CompletedTask
            : audit.AppendAsync(caller.Entry(AuditActions.Read, outcome) with
            {
                HolderCode = holderCode,
                LicenseId = id?.Value,
                TypeCode = type?.Value,
                Detail = detail,
            }, CancellationToken.None);

    /// <summary>Finds a holder's licenses, optionally of one type.</summary>
    public async Task<IReadOnlyList<LicenseSummary>> SearchAsync(
        DepartmentIdentity caller, string holderCode, LicenseTypeCode? type, CancellationToken cancellationToken = default)
    {
        RefuseVerifier(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var code = holderCode.ToUpperInvariant();
        var query = db.Licenses.AsNoTracking().Include(l => l.Versions).Where(l => l.HolderCode == code);
        if (type is not null)
        {
            query = query.Where(l => l.TypeCode == type);
        }

        if (caller.Role == DepartmentRole.Issuer)
        {
            var issuer = caller.Code.Value;
            query = query.Where(l => l.IssuerCode == issuer);
        }

        var licenses = await query.OrderBy(l => l.Id).Take(500).AsSplitQuery().ToListAsync(cancellationToken);
        await RecordAsync(caller, code, null, type, AuditOutcome.Success, $"search {licenses.Count} found");
        return licenses.Select(l =>
        {
            var current = l.Versions.Single(v => v.Version == l.CurrentVersion);
            return new LicenseSummary(current.LicenseId, TypeName(l.TypeCode), l.Number, l.HolderName, EffectiveStatus(l.Status, current), current.ValidUntil);
        }).ToArray();
    }

    internal static async Task<LicenseRecord> LoadAsync(RegistryDbContext db, LicenseId id, CancellationToken cancellationToken)
    {
        var issuer = id.Issuer.Value;
        var license = await db.Licenses
            .Include(l => l.Versions).ThenInclude(v => v.Documents)
            .Include(l => l.StatusChanges)
            .AsSplitQuery()
            .SingleOrDefaultAsync(l => l.TypeCode == id.TypeCode && l.IssuerCode == issuer && l.Serial == id.Serial, cancellationToken);
        if (license is null || license.Versions.All(v => v.Version != id.Version))
        {
            throw new RegistryException(RegistryErrorCodes.LicenseNotFound, "No license has this 证照标识.");
        }

        return license;
    }

    internal LicenseView ToView(LicenseRecord license, LicenseId requested)
    {
        var versions = license.Versions.OrderBy(v => v.Version).ToArray();
        var current = versions.Single(v => v.Version == license.CurrentVersion);
        return new LicenseView(
            current.LicenseId,
            requested,
            license.TypeCode,
            TypeName(license.TypeCode),
            license.Number,
            license.IssuerCode,
            EffectiveStatus(license.Status, current),
            versions.Select(v => new LicenseVersionView(
                v.Version,
                v.LicenseId,
                v.ContentSha256,
                v.StoredAtUtc,
                v.SupersededAtUtc,
                v.ChangeReason,
                v.SourceDocumentSha256 is null ? null : new SourceDocumentView(v.SourceDocumentFormat!.Value.Name(), v.SourceDocumentSha256, v.SourceDocumentLength ?? 0),
                JsonDocument.Parse(v.DataJson).RootElement.Clone(),
                v.Documents.OrderBy(d => d.Format.Name(), StringComparer.Ordinal).Select(ToView).ToArray())).ToArray(),
            license.StatusChanges.OrderBy(s => s.Id).Select(s => new StatusChangeView(
                s.FromStatus, s.ToStatus, s.ReasonCode, LifecycleReasons.NameOf(s.ReasonCode), s.Note, s.ByDepartment, s.AtUtc)).ToArray());
    }

    /// <summary>Opens a version's document in the given format.</summary>
    /// <exception cref="RegistryException">No such license, the caller may not read it, or it has no document in that format.</exception>
    public async Task<(LicenseDocumentView Document, Stream Content)> OpenDocumentAsync(
        DepartmentIdentity caller, LicenseId id, string format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(format);
        var store = objects ?? throw new InvalidOperationException("This query service has no object store.");
        var (license, view) = await ReadAsync(caller, id, cancellationToken);
        var version = view.Versions.Single(v => v.LicenseId == id);
        var document = version.Documents.FirstOrDefault(d => string.Equals(d.Format, format, StringComparison.OrdinalIgnoreCase))
            ?? throw new RegistryException(RegistryErrorCodes.DocumentNotFound, await NoDocumentAsync(id, format, version, cancellationToken));
        var content = await store.OpenReadAsync(document.Sha256, cancellationToken)
            ?? throw new InvalidOperationException($"The object store has lost document {document.Sha256} of {id}.");
        await RecordAsync(caller, license.HolderCode, id, license.TypeCode, AuditOutcome.Success, "document " + document.Format);
        return (document, content);
    }

    private async Task<string> NoDocumentAsync(LicenseId id, string format, LicenseVersionView version, CancellationToken cancellationToken)
    {
        if (version.Documents.Count > 0)
        {
            return $"{id} has no {format.ToUpperInvariant()} document; it has {string.Join(", ", version.Documents.Select(d => d.Format))}.";
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Documents attached since the version was read count too: the job went with their commit.
        var sealing = await db.DocumentJobs.AnyAsync(j => j.Version!.LicenseId == id, cancellationToken)
            || await db.LicenseDocuments.AnyAsync(d => db.LicenseVersions.Any(v => v.Id == d.LicenseVersionRecordId && v.LicenseId == id), cancellationToken);
        return sealing
            ? $"{id} is stored and verifiable by id; the registry is still sealing its documents: retry in a few seconds."
            : $"{id} has no {format.ToUpperInvariant()} document.";
    }

    // Refused before the lookup, so a verifier cannot learn either whether a license exists or which licenses a holder has.
    private static void RefuseVerifier(DepartmentIdentity caller)
    {
        if (caller.Role == DepartmentRole.Verifier)
        {
            throw new RegistryException(RegistryErrorCodes.NotAuthorised,
                "A verifier reads a holder's license only under the holder's grant or for its duties (/api/v1/shared, /api/v1/duty), or checks it by 核验.");
        }
    }

    private static LicenseDocumentView ToView(LicenseDocumentRecord d) =>
        new(d.Format.Name(), d.Origin.Name(), d.Sha256, d.Sm3, d.Length, d.Signers.Split(',', StringSplitOptions.RemoveEmptyEntries));

    private LicenseStatus EffectiveStatus(LicenseStatus recorded, LicenseVersionRecord current) =>
        License.StatusOn(recorded, current.ValidFrom, current.ValidUntil, License.ChinaDate(clock.GetUtcNow()));

    private string TypeName(LicenseTypeCode code) => catalog.TryGet(code, out var type) ? type.Name : code.Value;
}
