namespace ElectronicLicense.Licenses.Persistence;

/// <summary>
/// A license version whose documents the registry still has to render and seal (the issuance outbox). Inserted in the
/// transaction that stores the version, deleted in the one that attaches its documents: a committed version without
/// documents always has its job, so a crash between the two only delays them.
/// </summary>
internal sealed class DocumentJobRecord
{
    public long Id { get; set; }
    public long LicenseVersionRecordId { get; set; }
    public LicenseVersionRecord? Version { get; set; }
    public DateTime EnqueuedAtUtc { get; set; }

    /// <summary>Not before this instant: a claim sets it to the end of its lease, a failure to the next attempt.</summary>
    public DateTime NotBeforeUtc { get; set; }

    /// <summary>Who holds the lease (a random token per claim); null while nobody does.</summary>
    public Guid? ClaimToken { get; set; }
    public int Attempts { get; set; }

    /// <summary>Why the last attempt failed (type and message, never holder data); null until one fails.</summary>
    public string? LastError { get; set; }
}
