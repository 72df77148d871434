using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Licenses.Verification;

/// <summary>What a 核验 request named: a 证照标识, a QR payload, or an uploaded file.</summary>
public enum VerificationSubject
{
    /// <summary>A 证照标识 (<c>{"licenseId": …}</c>).</summary>
    LicenseId,

    /// <summary>The text of a license's QR code (<c>{"qrPayload": …}</c>).</summary>
    QrPayload,

    /// <summary>An uploaded PDF or OFD file.</summary>
    File,
}

/// <summary>The result of one registry check, in the report's spelling (PASSED, FAILED, WARNING, NOT_APPLICABLE).</summary>
public enum RegistryCheckResult
{
    /// <summary>PASSED.</summary>
    Passed,

    /// <summary>FAILED: the registry says no on this point.</summary>
    Failed,

    /// <summary>WARNING: worth knowing, not a failure on its own.</summary>
    Warning,

    /// <summary>NOT_APPLICABLE: the check does not apply (e.g. signers when no file was given).</summary>
    NotApplicable,
}

/// <summary>One named check of the registry's records, e.g. <c>registered</c>, <c>current-version</c>, <c>status</c>.</summary>
/// <param name="Id">Stable machine name of the check (see <see cref="RegistryCheckIds"/>).</param>
/// <param name="Result">Its result.</param>
/// <param name="Message">What was found, in words; never holder data.</param>
public sealed record RegistryCheck(string Id, RegistryCheckResult Result, string Message);

/// <summary>Names of the registry checks, stable for callers that branch on them.</summary>
public static class RegistryCheckIds
{
    /// <summary>The license (or the file's hash) is registered.</summary>
    public const string Registered = "registered";

    /// <summary>The verified version is the license's current one (not superseded by a 变更).</summary>
    public const string CurrentVersion = "current-version";

    /// <summary>The license's status today: valid, suspended, revoked, expired, not yet valid.</summary>
    public const string Status = "status";

    /// <summary>The issuing department is known and is an issuer of the license type in the catalog.</summary>
    public const string IssuerAuthorised = "issuer-authorised";

    /// <summary>The file's signers are the departments the registry recorded for that document.</summary>
    public const string SignersMatch = "signers-match";

    /// <summary>A claim of the QR payload (e.g. the document hash) agrees with the registry.</summary>
    public const string PayloadMatches = "payload-matches";
}

/// <summary>Machine-readable conclusions of a verification, one per report.</summary>
public static class VerificationConclusions
{
    /// <summary>Registered, current, valid, issuer authorised, and (for a file) intact with the recorded signers.</summary>
    public const string Valid = "valid";

    /// <summary>The file's signatures are not intact or not valid.</summary>
    public const string DocumentFailed = "document-failed";

    /// <summary>The file's signatures could not be fully established (e.g. unknown signer chain).</summary>
    public const string DocumentIndeterminate = "document-indeterminate";

    /// <summary>The registry does not know the license id or the file.</summary>
    public const string NotRegistered = "not-registered";

    /// <summary>The license is revoked (final).</summary>
    public const string Revoked = "revoked";

    /// <summary>The license is suspended (may be resumed).</summary>
    public const string Suspended = "suspended";

    /// <summary>The license's validity has ended.</summary>
    public const string Expired = "expired";

    /// <summary>The license's validity has not started.</summary>
    public const string NotYetValid = "not-yet-valid";

    /// <summary>The version verified was replaced by a 变更.</summary>
    public const string Superseded = "superseded";

    /// <summary>The issuer is unknown or not an issuer of the type.</summary>
    public const string IssuerNotAuthorised = "issuer-not-authorised";

    /// <summary>The file's signers differ from the registry's record, or a QR claim disagrees with the registry.</summary>
    public const string Mismatch = "mismatch";
}

/// <summary>The last recorded status change of a license (revocation, suspension, resumption).</summary>
/// <param name="Status">The status it set, e.g. <c>revoked</c>.</param>
/// <param name="ReasonCode">The reason code (see <c>LifecycleReasons</c>).</param>
/// <param name="ReasonName">Its Chinese name, e.g. 吊销.</param>
/// <param name="At">When it took effect.</param>
/// <param name="ByDepartment">The department that made it.</param>
public sealed record StatusChangeSummary(string Status, string ReasonCode, string ReasonName, DateTimeOffset At, string ByDepartment);

/// <summary>The 核验 report: the document part (when a file was given), the registry checks and one ETSI-style verdict.</summary>
/// <remarks>The same model answers a 证照标识, a QR payload and a file. It carries no holder data.</remarks>
/// <param name="Subject">What was verified.</param>
/// <param name="VerifiedAt">When.</param>
/// <param name="LicenseId">The 证照标识 of the version verified, when the registry knows it.</param>
/// <param name="Version">That version's number.</param>
/// <param name="CurrentLicenseId">The 证照标识 of the license's current version.</param>
/// <param name="TypeCode">The license type code.</param>
/// <param name="TypeName">The license type's name.</param>
/// <param name="IssuerCode">The issuing department's 统一社会信用代码.</param>
/// <param name="IssuerName">Its name.</param>
/// <param name="Status">The license's status today (valid, suspended, revoked, expired, not-yet-valid).</param>
/// <param name="LastStatusChange">The latest revocation, suspension or resumption, if any.</param>
/// <param name="Document">The per-signature report of the uploaded file.</param>
/// <param name="RegistryChecks">Each registry check with its result.</param>
/// <param name="Indication">TOTAL-PASSED, INDETERMINATE or TOTAL-FAILED.</param>
/// <param name="SubIndication">Why not TOTAL-PASSED (ETSI spelling, e.g. REVOKED, EXPIRED, TRY_LATER, HASH_FAILURE).</param>
/// <param name="Conclusion">One of <see cref="VerificationConclusions"/>.</param>
/// <param name="Summary">The verdict in one sentence, e.g. "intact, signed by 重庆市卫生健康委员会, not registered".</param>
public sealed record VerificationReport(
    VerificationSubject Subject,
    DateTimeOffset VerifiedAt,
    string? LicenseId,
    int? Version,
    string? CurrentLicenseId,
    string? TypeCode,
    string? TypeName,
    string? IssuerCode,
    string? IssuerName,
    string? Status,
    StatusChangeSummary? LastStatusChange,
    DocumentReport? Document,
    IReadOnlyList<RegistryCheck> RegistryChecks,
    string Indication,
    string? SubIndication,
    string Conclusion,
    string Summary);

/// <summary>Evidence of one verification for the caller's case file.</summary>
/// <remarks>
/// <see cref="Signature"/> is an ECDSA P-256 / SHA-256 signature (DER) by the registry's receipt key over the UTF-8 bytes of
/// <see cref="SignedText"/>, which lists every other field; <see cref="ReportSha256"/> is the SHA-256 of the canonical report JSON.
/// </remarks>
/// <param name="Id">The receipt id.</param>
/// <param name="IssuedAt">When the verification ran.</param>
/// <param name="Department">The verifying department's 统一社会信用代码.</param>
/// <param name="Indication">The report's verdict.</param>
/// <param name="SubIndication">The report's sub-indication.</param>
/// <param name="ReportSha256">Lower-case hex SHA-256 of the canonical report JSON.</param>
/// <param name="KeyId">Lower-case hex SHA-256 of the receipt key's DER certificate.</param>
/// <param name="Signature">Base64 DER ECDSA signature over <see cref="SignedText"/>.</param>
public sealed record VerificationReceipt(
    Guid Id,
    DateTimeOffset IssuedAt,
    string Department,
    string Indication,
    string? SubIndication,
    string ReportSha256,
    string KeyId,
    string Signature)
{
    /// <summary>The exact text the signature covers: one <c>name=value</c> line per field, in a fixed order, each ending in LF.</summary>
    public string SignedText => SignedTextOf(Id, IssuedAt, Department, Indication, SubIndication, ReportSha256, KeyId);

    internal static string SignedTextOf(Guid id, DateTimeOffset issuedAt, string department, string indication, string? subIndication, string reportSha256, string keyId) =>
        "elic-verification-receipt-v1\n"
        + $"id={id:D}\n"
        + $"issuedAt={issuedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture)}\n"
        + $"department={department}\n"
        + $"indication={indication}\n"
        + $"subIndication={subIndication ?? string.Empty}\n"
        + $"reportSha256={reportSha256}\n"
        + $"keyId={keyId}\n";
}

/// <summary>A verification just made: its report, the report's canonical JSON and the receipt.</summary>
/// <param name="Report">The report.</param>
/// <param name="Receipt">The receipt.</param>
/// <param name="CanonicalReport">The canonical report JSON (UTF-8) whose SHA-256 the receipt carries.</param>
public sealed record VerificationResult(VerificationReport Report, VerificationReceipt Receipt, ReadOnlyMemory<byte> CanonicalReport);

/// <summary>A verification as the registry kept it.</summary>
/// <param name="Receipt">The receipt.</param>
/// <param name="CanonicalReport">The canonical report JSON (UTF-8), byte for byte as first returned.</param>
public sealed record StoredVerification(VerificationReceipt Receipt, ReadOnlyMemory<byte> CanonicalReport);
