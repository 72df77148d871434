using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Lifecycle;

namespace ElectronicLicense.Licenses.Persistence;

// Storage shapes. Domain types are built from them at the edges of each service; they never leave Core.

internal sealed class DepartmentRecord
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string Level { get; set; }
    public string? ParentCode { get; set; }

    /// <summary>Comma-separated role names, e.g. "issuer,verifier".</summary>
    public required string Roles { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}

internal sealed class CredentialRecord
{
    public long Id { get; set; }
    public required string DepartmentCode { get; set; }
    public required string Role { get; set; }

    /// <summary>Lower-case hex SHA-256 of the bearer token; the token itself is never stored.</summary>
    public required string TokenHash { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? RevokedAtUtc { get; set; }
}

internal sealed class LicenseRecord
{
    public long Id { get; set; }
    public required LicenseTypeCode TypeCode { get; set; }
    public required string IssuerCode { get; set; }
    public required string Serial { get; set; }

    /// <summary>证照编号, the issuer's own number; with issuer and type it is the idempotency key.</summary>
    public required string Number { get; set; }
    public required string HolderCode { get; set; }
    public required string HolderName { get; set; }
    public required string HolderCodeType { get; set; }
    public LicenseStatus Status { get; set; }
    public int CurrentVersion { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime UpdatedAtUtc { get; set; }
    public List<LicenseVersionRecord> Versions { get; set; } = [];
    public List<StatusChangeRecord> StatusChanges { get; set; } = [];
}

internal sealed class LicenseVersionRecord
{
    public long Id { get; set; }
    public long LicenseRecordId { get; set; }
    public int Version { get; set; }
    public required LicenseId LicenseId { get; set; }

    /// <summary>SHA-256 of the canonical submission (without its 变更 block): equal hashes mean an idempotent re-push.</summary>
    public required string ContentSha256 { get; set; }

    /// <summary>The license data as stored: metadata and 照面, canonical JSON.</summary>
    public required string DataJson { get; set; }
    public DateOnly IssueDate { get; set; }
    public DateOnly ValidFrom { get; set; }
    public DateOnly? ValidUntil { get; set; }
    public string? ChangeReason { get; set; }
    public required string PushedBy { get; set; }
    public DateTime StoredAtUtc { get; set; }
    public DateTime? SupersededAtUtc { get; set; }
    public string? SourceDocumentSha256 { get; set; }
    public DocumentFormat? SourceDocumentFormat { get; set; }
    public long? SourceDocumentLength { get; set; }
    public List<LicenseDocumentRecord> Documents { get; set; } = [];
}

internal sealed class StatusChangeRecord
{
    public long Id { get; set; }
    public long LicenseRecordId { get; set; }
    public LicenseStatus? FromStatus { get; set; }
    public LicenseStatus ToStatus { get; set; }
    public required string ReasonCode { get; set; }
    public string? Note { get; set; }
    public required string ByDepartment { get; set; }
    public DateTime AtUtc { get; set; }
}

/// <summary>Next free 证照标识 serial per type, issuer and year; incremented atomically by the ingest service.</summary>
internal sealed class SerialCounterRecord
{
    public required string TypeCode { get; set; }
    public required string IssuerCode { get; set; }
    public int Year { get; set; }
    public long Next { get; set; }
}

/// <summary>A rendered or pushed document of one license version (OFD or PDF), stored in the object store by its SHA-256.</summary>
internal sealed class LicenseDocumentRecord
{
    public long Id { get; set; }
    public long LicenseVersionRecordId { get; set; }

    /// <summary>Stored as <c>ofd</c> or <c>pdf</c>.</summary>
    public required DocumentFormat Format { get; set; }

    /// <summary>Stored as <c>issued</c> (rendered and signed by the registry) or <c>pushed</c> (a historical file kept as received).</summary>
    public required DocumentOrigin Origin { get; set; }
    public required string Sha256 { get; set; }
    public required string Sm3 { get; set; }
    public long Length { get; set; }

    /// <summary>Departments that signed it, in order, comma-separated (empty for a pushed file).</summary>
    public required string Signers { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>An electronic seal (GB/T 38540 SESeal) made by the registry's seal maker for one department.</summary>
internal sealed class SealRecord
{
    /// <summary>印章编码: 6-digit administrative division of the department then an 8-digit sequence.</summary>
    public required string EsId { get; set; }
    public required string DepartmentCode { get; set; }

    /// <summary>证照专用章, 公章 or 业务专用章.</summary>
    public required string Kind { get; set; }
    public required string Name { get; set; }

    /// <summary>The DER SESeal exactly as made; signatures embed these bytes.</summary>
    public required byte[] Encoded { get; set; }
    public required string SignerCertificateSha256 { get; set; }
    public DateTime ValidFromUtc { get; set; }
    public DateTime ValidUntilUtc { get; set; }
    public required string CreatedBy { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? RevokedAtUtc { get; set; }
    public string? RevocationReason { get; set; }
}
