using ElectronicLicense.Licenses.Lifecycle;
using System.Text.Json;
using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Registry;

/// <summary>A license as the registry holds it: every version, the status today, and the status history.</summary>
/// <param name="CurrentId">证照标识 of the current version.</param>
/// <param name="RequestedId">The 证照标识 the caller asked for (may name an older version).</param>
/// <param name="TypeCode">证照类型代码.</param>
/// <param name="TypeName">证照名称.</param>
/// <param name="Number">证照编号.</param>
/// <param name="IssuerCode">颁发机构代码.</param>
/// <param name="Status">Status today, expiry derived from the current version's validity dates.</param>
/// <param name="Versions">All versions, oldest first.</param>
/// <param name="StatusHistory">Every status change, oldest first.</param>
public sealed record LicenseView(
    LicenseId CurrentId,
    LicenseId RequestedId,
    LicenseTypeCode TypeCode,
    string TypeName,
    string Number,
    string IssuerCode,
    LicenseStatus Status,
    IReadOnlyList<LicenseVersionView> Versions,
    IReadOnlyList<StatusChangeView> StatusHistory);

/// <summary>One stored version of a license.</summary>
/// <param name="Version">Version number, 1 for the first.</param>
/// <param name="LicenseId">This version's 证照标识.</param>
/// <param name="ContentSha256">Digest of the version's canonical content.</param>
/// <param name="StoredAtUtc">When it was stored.</param>
/// <param name="SupersededAtUtc">When a later version replaced it.</param>
/// <param name="ChangeReason">The 变更 reason that created it.</param>
/// <param name="SourceDocument">The historical file pushed with it, if any.</param>
/// <param name="Data">The license data: national metadata and 照面.</param>
/// <param name="Documents">The version's documents: the sealed OFD the registry issued, or the file pushed with it.</param>
public sealed record LicenseVersionView(
    int Version,
    LicenseId LicenseId,
    string ContentSha256,
    DateTime StoredAtUtc,
    DateTime? SupersededAtUtc,
    string? ChangeReason,
    SourceDocumentView? SourceDocument,
    JsonElement Data,
    IReadOnlyList<LicenseDocumentView> Documents);

/// <summary>A document of a license version, kept in the object store.</summary>
/// <param name="Format">ofd or pdf.</param>
/// <param name="Origin">issued (rendered and sealed by the registry) or pushed (a historical file kept as received).</param>
/// <param name="Sha256">Lower-case hex SHA-256; also its object-store address.</param>
/// <param name="Sm3">Lower-case hex SM3.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="Signers">The departments that sealed it, in order.</param>
public sealed record LicenseDocumentView(string Format, string Origin, string Sha256, string Sm3, long Length, IReadOnlyList<string> Signers);

/// <summary>A file pushed with a historical license, kept in the object store.</summary>
/// <param name="Format">pdf or ofd.</param>
/// <param name="Sha256">Its digest and object-store address.</param>
/// <param name="Length">Its size in bytes.</param>
public sealed record SourceDocumentView(string Format, string Sha256, long Length);

/// <summary>One status change.</summary>
/// <param name="From">Status before, null for issuance.</param>
/// <param name="To">Status after.</param>
/// <param name="ReasonCode">One of <see cref="LifecycleReasons"/>.</param>
/// <param name="ReasonName">The reason's Chinese name.</param>
/// <param name="Note">Free text given with the change.</param>
/// <param name="ByDepartment">The department that made the change.</param>
/// <param name="AtUtc">When.</param>
public sealed record StatusChangeView(
    LicenseStatus? From,
    LicenseStatus To,
    string ReasonCode,
    string ReasonName,
    string? Note,
    string ByDepartment,
    DateTime AtUtc);

/// <summary>A line of a search result.</summary>
/// <param name="CurrentId">证照标识 of the current version.</param>
/// <param name="TypeName">证照名称.</param>
/// <param name="Number">证照编号.</param>
/// <param name="HolderName">持证主体.</param>
/// <param name="Status">Status today.</param>
/// <param name="ValidUntil">有效期截止日期 of the current version, null when 长期.</param>
public sealed record LicenseSummary(LicenseId CurrentId, string TypeName, string Number, string HolderName, LicenseStatus Status, DateOnly? ValidUntil);
