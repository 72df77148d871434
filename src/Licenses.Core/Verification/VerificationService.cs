using ElectronicLicense.Licenses.Lifecycle;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Seals.Verification;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Verification;

/// <summary>核验: checks a license by its 证照标识, its QR payload or an uploaded PDF/OFD against the registry, and returns a report with a signed receipt.</summary>
/// <remarks>
/// One report model for all three: the document report (files only) from <see cref="DocumentVerifier"/>, then the registry
/// checks (<see cref="RegistryCheckIds"/>), then one verdict. Every verification is stored with its receipt and audited.
/// The by-id path is one indexed query, no document bytes.
/// </remarks>
public sealed partial class VerificationService
{
    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly LicenseCatalog catalog;
    private readonly DocumentVerifier documents;
    private readonly IReadOnlyList<IQrPayloadResolver> resolvers;
    private readonly ReceiptSigner signer;
    private readonly ReceiptStore receipts;
    private readonly IAuditTrail audit;
    private readonly TimeProvider clock;

    internal VerificationService(
        IDbContextFactory<RegistryDbContext> contexts,
        LicenseCatalog catalog,
        DocumentVerifier documents,
        IEnumerable<IQrPayloadResolver> resolvers,
        ReceiptSigner signer,
        ReceiptStore receipts,
        IAuditTrail audit,
        TimeProvider clock)
    {
        this.contexts = contexts;
        this.catalog = catalog;
        this.documents = documents;
        this.resolvers = [.. resolvers];
        this.signer = signer;
        this.receipts = receipts;
        this.audit = audit;
        this.clock = clock;
    }

    /// <summary>The certificate of the key that signs receipts (issued by the registry CA).</summary>
    public X509Certificate2 ReceiptCertificate => signer.Certificate;

    /// <summary>Verifies a license by the 证照标识 of one of its versions; an unknown id gives a TOTAL-FAILED "not registered" report.</summary>
    public async Task<VerificationResult> VerifyLicenseAsync(DepartmentIdentity caller, LicenseId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(id);
        LicenseFacts? facts;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            facts = await FindLicense(db, id.TypeCode, id.Issuer.Value, id.Serial, id.Version);
        }

        var report = Conclude(VerificationSubject.LicenseId, id, facts, document: null, registered: null, claims: null);
        return await FinishAsync(caller, report, facts, cancellationToken);
    }

    /// <summary>Verifies the license a QR payload names, and the payload's own claims.</summary>
    /// <exception cref="RegistryException">The payload is not one the registry recognises, or is malformed (naming /qrPayload).</exception>
    public async Task<VerificationResult> VerifyQrPayloadAsync(DepartmentIdentity caller, string payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(payload);
        QrPayloadClaims? claims = null;
        string? error = "is not a QR payload of this registry (expected urn:elic:license:{证照标识})";
        foreach (var resolver in resolvers)
        {
            if (resolver.TryResolve(payload.Trim(), out claims, out var problem))
            {
                error = problem;
                break;
            }
        }

        if (claims is null)
        {
            throw new RegistryException(RegistryErrorCodes.InvalidVerificationRequest, "The QR payload cannot be read.",
                [new FieldError("/qrPayload", error ?? "cannot be read")]);
        }

        LicenseFacts? facts;
        string? documentSha256 = null;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            facts = await FindLicense(db, claims.LicenseId.TypeCode, claims.LicenseId.Issuer.Value, claims.LicenseId.Serial, claims.LicenseId.Version);
            if (facts is not null && claims.DocumentSha256 is { } claimed)
            {
                var versionId = claims.LicenseId;
                documentSha256 = await db.LicenseDocuments.Where(d => d.Sha256 == claimed)
                    .Join(db.LicenseVersions, d => d.LicenseVersionRecordId, v => v.Id, (d, v) => new { d.Sha256, v.LicenseId })
                    .Where(x => x.LicenseId == versionId).Select(x => x.Sha256).FirstOrDefaultAsync(cancellationToken);
            }
        }

        var report = Conclude(VerificationSubject.QrPayload, claims.LicenseId, facts, document: null, registered: null, (claims, documentSha256 is not null));
        return await FinishAsync(caller, report, facts, cancellationToken);
    }

    /// <summary>Verifies an uploaded PDF or OFD: its signatures, then whether its SHA-256 is a registered document and that license's state.</summary>
    /// <exception cref="RegistryException">The bytes are neither a PDF nor an OFD (unsupported-media-type).</exception>
    public async Task<VerificationResult> VerifyFileAsync(DepartmentIdentity caller, ReadOnlyMemory<byte> file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var document = DetectFormat(file.Span) switch
        {
            "pdf" => await documents.VerifyPdfAsync(file, cancellationToken),
            "ofd" => await documents.VerifyOfdAsync(file, cancellationToken),
            _ => throw new RegistryException(RegistryErrorCodes.UnsupportedMediaType,
                "The file must be a PDF (starting with %PDF-) or an OFD (a ZIP package, starting with PK)."),
        };

        RegisteredDocument? registered;
        LicenseFacts? facts = null;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var sha256 = document.Sha256;
            registered = await db.LicenseDocuments.Where(d => d.Sha256 == sha256)
                .Join(db.LicenseVersions, d => d.LicenseVersionRecordId, v => v.Id,
                    (d, v) => new RegisteredDocument { Format = d.Format, Origin = d.Origin, Signers = d.Signers, LicenseId = v.LicenseId })
                .FirstOrDefaultAsync(cancellationToken);
            if (registered is not null)
            {
                var id = registered.LicenseId;
                facts = await FindLicense(db, id.TypeCode, id.Issuer.Value, id.Serial, id.Version);
            }
        }

        var report = Conclude(VerificationSubject.File, registered?.LicenseId, facts, document, registered, claims: null);
        return await FinishAsync(caller, report, facts, cancellationToken);
    }

    /// <summary>A stored verification, for the department that made it.</summary>
    /// <returns>Null when no receipt has this id.</returns>
    /// <exception cref="RegistryException">The receipt belongs to another department (not-authorised).</exception>
    public async Task<StoredVerification?> FindAsync(DepartmentIdentity caller, Guid receiptId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var record = await receipts.FindAsync(receiptId, cancellationToken);
        if (record is null)
        {
            return null;
        }

        if (record.Department != caller.Code.Value)
        {
            await audit.AppendAsync(new AuditEntry
            {
                Action = AuditActions.Verify,
                Outcome = AuditOutcome.Denied,
                ActorKind = AuditActorKind.Department,
                Department = caller.Code.Value,
                Role = DepartmentNames.Of(caller.Role),
                LicenseId = record.LicenseId,
                Detail = $"receipt-read-denied receipt={record.Id:D}",
            }, cancellationToken);
            throw new RegistryException(RegistryErrorCodes.NotAuthorised, "A verification receipt can be read only by the department that made it.");
        }

        return new StoredVerification(
            new VerificationReceipt(record.Id, new DateTimeOffset(record.IssuedAtUtc, TimeSpan.Zero), record.Department, record.Indication,
                record.SubIndication, record.ReportSha256, record.KeyId, Convert.ToBase64String(record.Signature)),
            record.Report);
    }

    /// <summary>"pdf", "ofd" or null, by the file's first bytes.</summary>
    internal static string? DetectFormat(ReadOnlySpan<byte> file) =>
        file.StartsWith("%PDF-"u8) ? "pdf"
        : file.StartsWith("PK\u0003\u0004"u8) ? "ofd"
        : null;

    private async Task<VerificationResult> FinishAsync(DepartmentIdentity caller, VerificationReport report, LicenseFacts? facts, CancellationToken cancellationToken)
    {
        var canonical = VerificationJson.Serialize(report);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(canonical));
        var id = Guid.CreateVersion7(report.VerifiedAt);
        var keyId = signer.KeyId;
        var signature = signer.Sign(VerificationReceipt.SignedTextOf(id, report.VerifiedAt, caller.Code.Value, report.Indication, report.SubIndication, sha256, keyId));
        var receipt = new VerificationReceipt(id, report.VerifiedAt, caller.Code.Value, report.Indication, report.SubIndication, sha256, keyId, Convert.ToBase64String(signature));

        var record = new VerificationReceiptRecord
        {
            Id = id,
            IssuedAtUtc = report.VerifiedAt.UtcDateTime,
            Department = caller.Code.Value,
            Role = DepartmentNames.Of(caller.Role),
            Subject = SubjectName(report.Subject),
            LicenseId = report.LicenseId,
            Indication = report.Indication,
            SubIndication = report.SubIndication,
            Conclusion = report.Conclusion,
            ReportSha256 = sha256,
            Report = canonical,
            KeyId = keyId,
            Signature = signature,
        };
        var entry = new AuditEntry
        {
            Action = AuditActions.Verify,
            Outcome = report.Indication == "TOTAL-PASSED" ? AuditOutcome.Success : AuditOutcome.Failed,
            ActorKind = AuditActorKind.Department,
            Department = caller.Code.Value,
            Role = DepartmentNames.Of(caller.Role),
            HolderCode = facts?.HolderCode,
            LicenseId = report.LicenseId,
            TypeCode = report.TypeCode,
            Detail = $"{SubjectName(report.Subject)} {report.Indication}{(report.SubIndication is null ? string.Empty : "/" + report.SubIndication)} {report.Conclusion} receipt={id:D}",
        };

        // One commit for the receipt and its event: no receipt is returned before both are stored.
        await receipts.SaveAsync(record, entry, cancellationToken);
        return new VerificationResult(report, receipt, canonical);
    }

    private static string SubjectName(VerificationSubject subject) => subject switch
    {
        VerificationSubject.LicenseId => "license-id",
        VerificationSubject.QrPayload => "qr-payload",
        _ => "file",
    };

    private VerificationReport Conclude(
        VerificationSubject subject, LicenseId? id, LicenseFacts? facts, DocumentReport? document, RegisteredDocument? registered,
        (QrPayloadClaims Claims, bool DocumentFound)? claims)
    {
        var now = clock.GetUtcNow();
        var checks = new List<RegistryCheck>();
        var signers = document is null ? null : SignerNames(document);
        LicenseType? type = null;
        var typeName = facts is not null && catalog.TryGet(facts.TypeCode, out type) ? type.Name : facts?.TypeCode.Value;
        var status = LicenseStatus.Valid;
        StatusChangeSummary? change = null;

        // Registered: the id (or the file's hash) is in the registry.
        var requested = facts?.Requested;
        if (facts is null || requested is null)
        {
            checks.Add(new RegistryCheck(RegistryCheckIds.Registered, RegistryCheckResult.Failed, subject == VerificationSubject.File
                ? $"the file's SHA-256 {document!.Sha256} matches no registered document of any license"
                : $"no license has the 证照标识 {id}"));
            foreach (var check in new[] { RegistryCheckIds.CurrentVersion, RegistryCheckIds.Status, RegistryCheckIds.IssuerAuthorised, RegistryCheckIds.SignersMatch })
            {
                checks.Add(new RegistryCheck(check, RegistryCheckResult.NotApplicable, "not registered"));
            }

            var intact = document?.Indication == Indication.TotalPassed;
            var notRegisteredSummary = document is null ? $"not registered: no license has the 证照标识 {id}"
                : document.Indication == Indication.TotalFailed ? $"not intact ({document.SubIndication.ToEtsi()}) and not registered"
                : intact ? $"intact, signed by {signers}, not registered"
                : $"signed by {signers} but not fully verifiable ({document.SubIndication.ToEtsi()}), not registered";
            return document?.Indication == Indication.TotalFailed
                ? Report(VerificationConclusions.DocumentFailed, "TOTAL-FAILED", document.SubIndication.ToEtsi(), notRegisteredSummary)
                : Report(VerificationConclusions.NotRegistered, "TOTAL-FAILED", "SIG_CONSTRAINTS_FAILURE", notRegisteredSummary);
        }

        var current = facts.Current!;
        var registeredAs = registered is null ? string.Empty : $" as its {registered.Origin.Name()} {registered.Format.Name().ToUpperInvariant()}";
        checks.Add(new RegistryCheck(RegistryCheckIds.Registered, RegistryCheckResult.Passed,
            $"registered{registeredAs}: {typeName} {requested.LicenseId}, version {requested.Version}"));

        var superseded = requested.Version != facts.CurrentVersion;
        checks.Add(superseded
            ? new RegistryCheck(RegistryCheckIds.CurrentVersion, RegistryCheckResult.Failed,
                $"version {requested.Version} was superseded{(requested.SupersededAtUtc is { } at ? " on " + Day(at) : string.Empty)} by a 变更; the current version is {current.LicenseId}")
            : new RegistryCheck(RegistryCheckIds.CurrentVersion, RegistryCheckResult.Passed, $"version {requested.Version} is the current version"));

        status = EffectiveStatus(facts.Status, current, now);
        change = facts.LastChange is { } c && c.ReasonCode != LifecycleReasons.Issued
            ? new StatusChangeSummary(StatusName(c.ToStatus), c.ReasonCode, LifecycleReasons.NameOf(c.ReasonCode), new DateTimeOffset(c.AtUtc, TimeSpan.Zero), c.ByDepartment)
            : null;
        var validity = $"有效期 {current.ValidFrom:yyyy-MM-dd} – {(current.ValidUntil is { } until ? until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "长期")}";
        var statusMessage = status switch
        {
            LicenseStatus.Valid => $"valid ({validity})",
            LicenseStatus.Revoked => $"revoked on {ChinaDay(change?.At)} by {change?.ByDepartment}: {change?.ReasonName} ({change?.ReasonCode})",
            LicenseStatus.Suspended => $"suspended since {ChinaDay(change?.At)} by {change?.ByDepartment}: {change?.ReasonName} ({change?.ReasonCode})",
            LicenseStatus.Expired => $"expired: its validity ended on {current.ValidUntil:yyyy-MM-dd}",
            _ => $"not yet valid: its validity starts on {current.ValidFrom:yyyy-MM-dd}",
        };
        checks.Add(new RegistryCheck(RegistryCheckIds.Status, status == LicenseStatus.Valid ? RegistryCheckResult.Passed : RegistryCheckResult.Failed, statusMessage));

        // The catalog's issuers list is today's: the registry keeps no history of it, so "at issue time" is checked as "still".
        var issuerAuthorised = facts.IssuerName is not null && type is not null
            && UnifiedSocialCreditCode.TryParse(facts.IssuerCode, out var issuerCode, out _) && type.IsIssuer(issuerCode);
        checks.Add(new RegistryCheck(RegistryCheckIds.IssuerAuthorised, issuerAuthorised ? RegistryCheckResult.Passed : RegistryCheckResult.Failed, issuerAuthorised
            ? $"{facts.IssuerName} is a registered department and an issuer of {typeName} in the catalog"
            : facts.IssuerName is null ? $"the issuer {facts.IssuerCode} is not a registered department" : $"{facts.IssuerName} is not an issuer of {typeName} in the catalog"));

        var mismatch = false;
        if (document is not null && registered is not null)
        {
            var recorded = registered.Signers.Split(',', StringSplitOptions.RemoveEmptyEntries);
            var actual = document.Signatures.Select(s => s.Signer is { } subjectName && SerialNumber().Match(subjectName) is { Success: true } m ? m.Groups[1].Value : "?").ToArray();
            if (recorded.Length == 0)
            {
                checks.Add(new RegistryCheck(RegistryCheckIds.SignersMatch, RegistryCheckResult.NotApplicable,
                    "a historical file pushed as received: the registry recorded no signers for it"));
            }
            else if (recorded.SequenceEqual(actual, StringComparer.Ordinal))
            {
                checks.Add(new RegistryCheck(RegistryCheckIds.SignersMatch, RegistryCheckResult.Passed, $"signed by the recorded departments, in order: {string.Join(", ", recorded)}"));
            }
            else
            {
                mismatch = true;
                checks.Add(new RegistryCheck(RegistryCheckIds.SignersMatch, RegistryCheckResult.Failed,
                    $"the registry recorded signers {string.Join(", ", recorded)}; the file's signatures are by {string.Join(", ", actual)}"));
            }
        }
        else
        {
            checks.Add(new RegistryCheck(RegistryCheckIds.SignersMatch, RegistryCheckResult.NotApplicable, "no file was given"));
        }

        if (claims is { } q)
        {
            checks.AddRange(q.Claims.PayloadChecks);
            mismatch |= q.Claims.PayloadChecks.Any(p => p.Result == RegistryCheckResult.Failed);
            if (q.Claims.DocumentSha256 is { } claimed)
            {
                mismatch |= !q.DocumentFound;
                checks.Add(new RegistryCheck(RegistryCheckIds.PayloadMatches, q.DocumentFound ? RegistryCheckResult.Passed : RegistryCheckResult.Failed, q.DocumentFound
                    ? $"the payload's document hash {claimed} is a registered document of {requested.LicenseId}"
                    : $"the payload's document hash {claimed} is not a registered document of {requested.LicenseId}"));
            }
        }

        var name = $"{typeName} {requested.LicenseId}";
        if (document?.Indication == Indication.TotalFailed)
        {
            return Report(VerificationConclusions.DocumentFailed, "TOTAL-FAILED", document.SubIndication.ToEtsi(), $"the file is registered as {name}, but its signatures fail ({document.SubIndication.ToEtsi()})");
        }

        return status == LicenseStatus.Revoked ? Report(VerificationConclusions.Revoked, "TOTAL-FAILED", "REVOKED", $"{name} is {statusMessage}")
            : !issuerAuthorised ? Report(VerificationConclusions.IssuerNotAuthorised, "TOTAL-FAILED", "SIG_CONSTRAINTS_FAILURE", $"{name}: {checks.First(x => x.Id == RegistryCheckIds.IssuerAuthorised).Message}")
            : mismatch ? Report(VerificationConclusions.Mismatch, "TOTAL-FAILED", "SIG_CONSTRAINTS_FAILURE", $"{name}: {checks.First(x => x.Result == RegistryCheckResult.Failed && x.Id != RegistryCheckIds.CurrentVersion).Message}")
            : status == LicenseStatus.Expired ? Report(VerificationConclusions.Expired, "TOTAL-FAILED", "EXPIRED", $"{name} has {statusMessage}")
            : status == LicenseStatus.NotYetValid ? Report(VerificationConclusions.NotYetValid, "TOTAL-FAILED", "NOT_YET_VALID", $"{name} is {statusMessage}")
            : status == LicenseStatus.Suspended ? Report(VerificationConclusions.Suspended, "INDETERMINATE", "TRY_LATER", $"{name} is {statusMessage}")
            : superseded ? Report(VerificationConclusions.Superseded, "INDETERMINATE", "SIG_CONSTRAINTS_FAILURE", $"{name} is superseded: the current version is {current.LicenseId}")
            : document?.Indication == Indication.Indeterminate ? Report(VerificationConclusions.DocumentIndeterminate, "INDETERMINATE", document.SubIndication.ToEtsi(),
                $"{name} is registered and valid, but the file's signatures cannot be fully verified ({document.SubIndication.ToEtsi()})")
            : Report(VerificationConclusions.Valid, "TOTAL-PASSED", null, document is null
                ? $"{name} is registered, current and valid"
                : $"intact, signed by {signers}; registered as {name}, current and valid");

        VerificationReport Report(string conclusion, string indication, string? subIndication, string summary) => new(
            subject, now, requested?.LicenseId.Value ?? id?.Value, requested?.Version, facts?.Current?.LicenseId.Value, facts?.TypeCode.Value, typeName,
            facts?.IssuerCode, facts?.IssuerName, facts is null || requested is null ? null : StatusName(status), change, document, checks,
            indication, subIndication, conclusion, summary);
    }

    private static string SignerNames(DocumentReport document) => document.Signatures.Count == 0
        ? "nobody"
        : string.Join(", ", document.Signatures.Select(s => s.Signer is { } subject && CommonName().Match(subject) is { Success: true } m ? m.Groups[1].Value.Trim() : "an unknown signer"));

    private static LicenseStatus EffectiveStatus(LicenseStatus recorded, VersionFacts current, DateTimeOffset now) =>
        License.StatusOn(recorded, current.ValidFrom, current.ValidUntil, License.ChinaDate(now));

    internal static string StatusName(LicenseStatus status) => status switch
    {
        LicenseStatus.Valid => "valid",
        LicenseStatus.Suspended => "suspended",
        LicenseStatus.Revoked => "revoked",
        LicenseStatus.Expired => "expired",
        _ => "not-yet-valid",
    };

    private static string Day(DateTime utc) => ChinaDay(new DateTimeOffset(utc, TimeSpan.Zero));

    private static string ChinaDay(DateTimeOffset? at) =>
        at is { } value ? value.ToOffset(License.ChinaOffset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "an unrecorded date";

    // One statement: the license row, the requested and current versions, the issuer's name and the last status change.
    // Compiled per service instance, not statically: a compiled query binds to the first model it runs with, and the
    // SQLite and PostgreSQL models differ (two registries in one process, as in the tests, would otherwise collide).
    private readonly Func<RegistryDbContext, LicenseTypeCode, string, string, int, Task<LicenseFacts?>> FindLicense =
        EF.CompileAsyncQuery((RegistryDbContext db, LicenseTypeCode type, string issuer, string serial, int version) =>
            db.Licenses
                .Where(l => l.TypeCode == type && l.IssuerCode == issuer && l.Serial == serial)
                .Select(l => new LicenseFacts
                {
                    TypeCode = l.TypeCode,
                    IssuerCode = l.IssuerCode,
                    HolderCode = l.HolderCode,
                    Status = l.Status,
                    CurrentVersion = l.CurrentVersion,
                    IssuerName = db.Departments.Where(d => d.Code == l.IssuerCode).Select(d => d.Name).FirstOrDefault(),
                    Requested = l.Versions.Where(v => v.Version == version)
                        .Select(v => new VersionFacts { Version = v.Version, LicenseId = v.LicenseId, ValidFrom = v.ValidFrom, ValidUntil = v.ValidUntil, SupersededAtUtc = v.SupersededAtUtc })
                        .FirstOrDefault(),
                    Current = l.Versions.Where(v => v.Version == l.CurrentVersion)
                        .Select(v => new VersionFacts { Version = v.Version, LicenseId = v.LicenseId, ValidFrom = v.ValidFrom, ValidUntil = v.ValidUntil, SupersededAtUtc = v.SupersededAtUtc })
                        .FirstOrDefault(),
                    LastChange = l.StatusChanges.OrderByDescending(s => s.Id)
                        .Select(s => new ChangeFacts { ToStatus = s.ToStatus, ReasonCode = s.ReasonCode, ByDepartment = s.ByDepartment, AtUtc = s.AtUtc })
                        .FirstOrDefault(),
                })
                .FirstOrDefault());

    [GeneratedRegex(@"SERIALNUMBER=([0-9A-Z]{18})", RegexOptions.CultureInvariant)]
    private static partial Regex SerialNumber();

    [GeneratedRegex(@"(?:^|,\s*)CN=([^,]+)", RegexOptions.CultureInvariant)]
    private static partial Regex CommonName();

    private sealed class LicenseFacts
    {
        public required LicenseTypeCode TypeCode { get; init; }
        public required string IssuerCode { get; init; }
        public required string HolderCode { get; init; }
        public LicenseStatus Status { get; init; }
        public int CurrentVersion { get; init; }
        public string? IssuerName { get; init; }
        public VersionFacts? Requested { get; init; }
        public VersionFacts? Current { get; init; }
        public ChangeFacts? LastChange { get; init; }
    }

    private sealed class VersionFacts
    {
        public int Version { get; init; }
        public required LicenseId LicenseId { get; init; }
        public DateOnly ValidFrom { get; init; }
        public DateOnly? ValidUntil { get; init; }
        public DateTime? SupersededAtUtc { get; init; }
    }

    private sealed class ChangeFacts
    {
        public LicenseStatus ToStatus { get; init; }
        public required string ReasonCode { get; init; }
        public required string ByDepartment { get; init; }
        public DateTime AtUtc { get; init; }
    }

    private sealed class RegisteredDocument
    {
        public required DocumentFormat Format { get; init; }
        public required DocumentOrigin Origin { get; init; }
        public required string Signers { get; init; }
        public required LicenseId LicenseId { get; init; }
    }
}
