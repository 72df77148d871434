namespace ElectronicLicense.Licenses.Persistence;

// Electronic archives (办结即归档): the durable queue of packages to make, the packages made, and export jobs.

/// <summary>
/// A package to make (the outbox). Inserted in the same transaction as the license version it archives, so a crash
/// between issuing and archiving loses nothing: the worker finds the row on its next pass.
/// </summary>
internal sealed class ArchiveOutboxRecord
{
    public long Id { get; set; }

    /// <summary>The 证照标识 of the license version to archive.</summary>
    public required string LicenseId { get; set; }

    /// <summary><c>issued</c> (办结即归档 at issue) or <c>case-closed</c> (a case closed that used the license).</summary>
    public required string Trigger { get; set; }

    /// <summary>The closed case's number, for <c>case-closed</c>; empty otherwise.</summary>
    public required string CaseNumber { get; set; }
    public DateTime EnqueuedAtUtc { get; set; }
    public DateTime NextAttemptAtUtc { get; set; }
    public int Attempts { get; set; }

    /// <summary>Why the last attempt failed (never holder data); null after success.</summary>
    public string? LastError { get; set; }
    public DateTime? CompletedAtUtc { get; set; }
}

/// <summary>A stored archive package: where it is, its registered digest and its retention.</summary>
internal sealed class ArchivePackageRecord
{
    public long Id { get; set; }
    public required string LicenseId { get; set; }

    /// <summary>The case number the package was made for, or empty for the package made at issue.</summary>
    public required string CaseNumber { get; set; }

    /// <summary>Key prefix of the bag in the archive store (ends with <c>/</c>).</summary>
    public required string StoreKey { get; set; }

    /// <summary>SHA-256 of the bag's <c>tagmanifest-sha256.txt</c>, which covers every other file: the package digest.</summary>
    public required string PackageSha256 { get; set; }

    /// <summary>档号.</summary>
    public required string ArchivalCode { get; set; }
    public int FileCount { get; set; }
    public long Bytes { get; set; }

    /// <summary>保管期限: permanent, 30y or 10y.</summary>
    public required string Retention { get; set; }
    public DateTime? RetainUntilUtc { get; set; }

    /// <summary>Whether the store enforces the retention (S3 object lock) or only records it.</summary>
    public bool RetentionEnforced { get; set; }
    public DateTime ArchivedAtUtc { get; set; }
}

/// <summary>An archivist's export job: a selection of licenses copied as packages to an export area of the archive store.</summary>
internal sealed class ArchiveExportRecord
{
    public required string Id { get; set; }
    public required string RequestedBy { get; set; }

    /// <summary>The selection as JSON (license id, or type code and issue-date range).</summary>
    public required string SelectionJson { get; set; }
    public required string Status { get; set; }
    public int Total { get; set; }
    public int Exported { get; set; }
    public int Failed { get; set; }
    public long Bytes { get; set; }
    public string? Error { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? StartedAtUtc { get; set; }

    /// <summary>
    /// When the worker running the job last showed it was alive (null unless <c>running</c>). A running job whose heartbeat
    /// is older than <c>Archives:ExportStaleAfter</c> is taken over by another worker; the value is also the run's claim.
    /// </summary>
    public DateTime? HeartbeatAtUtc { get; set; }
    public DateTime? CompletedAtUtc { get; set; }
}
