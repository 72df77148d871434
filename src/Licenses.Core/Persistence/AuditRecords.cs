namespace ElectronicLicense.Licenses.Persistence;

// The audit log's storage (用证留痕). Rows of the log are only ever inserted: never updated, never deleted.

/// <summary>One leaf of the Merkle log: the canonical event bytes (personal fields as salted hashes only) and their RFC 9162 leaf hash.</summary>
internal sealed class AuditEventRecord
{
    public long Index { get; set; }

    /// <summary>When the log appended the event, Unix milliseconds (also inside the leaf).</summary>
    public long AtUnixMs { get; set; }
    public required byte[] Leaf { get; set; }
    public required byte[] LeafHash { get; set; }

    /// <summary>The 证照标识 the event concerns (also inside the leaf), so a license's events are found without reading every leaf; not personal data.</summary>
    public string? LicenseId { get; set; }
}

/// <summary>The readable personal part of an event, kept outside the log under access control: the holder reads their own, an admin all.</summary>
internal sealed class AuditDetailRecord
{
    public long Index { get; set; }
    public string? HolderCode { get; set; }
    public string? AgentCode { get; set; }
    public string? OfficerId { get; set; }
}

/// <summary>The head of a complete subtree of the log: 2^Level leaves starting at leaf Index × 2^Level (level 0: the leaf hash).</summary>
internal sealed class AuditNodeRecord
{
    public int Level { get; set; }
    public long Index { get; set; }
    public required byte[] Hash { get; set; }
}

/// <summary>A signed tree head as issued.</summary>
internal sealed class AuditTreeHeadRecord
{
    public long TreeSize { get; set; }
    public long TimestampUnixMs { get; set; }
    public required byte[] RootHash { get; set; }
    public required string KeyId { get; set; }
    public required byte[] Signature { get; set; }
}

/// <summary>An event written in the transaction of the change it records, waiting for the log to append it (the outbox).</summary>
/// <remarks>The one audit table whose rows are deleted: each row goes in the same transaction that appends its event.</remarks>
internal sealed class AuditOutboxRecord
{
    public long Id { get; set; }

    /// <summary>When the change happened, Unix milliseconds; the event's time in the log.</summary>
    public long AtUnixMs { get; set; }

    /// <summary>The audit entry as JSON, personal fields included (they leave with the row).</summary>
    public required string Entry { get; set; }
}
