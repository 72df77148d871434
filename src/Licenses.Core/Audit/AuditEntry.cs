namespace ElectronicLicense.Licenses.Audit;

/// <summary>What an audited event did (用证留痕). Values are stable: they are hashed into the log's leaves.</summary>
public static class AuditActions
{
    /// <summary>A license version was pushed (归集): created, new version or unchanged re-push.</summary>
    public const string Ingest = "license.ingest";

    /// <summary>The registry rendered and sealed a license's documents.</summary>
    public const string Issue = "license.issue";

    /// <summary>A license was revoked, suspended or resumed.</summary>
    public const string StatusChange = "license.status";

    /// <summary>A license or document was verified (核验).</summary>
    public const string Verify = "license.verify";

    /// <summary>A department read a holder's license data or document under a grant (授权共享).</summary>
    public const string Share = "license.share";

    /// <summary>A department read a holder's license under its duties (依职能用证), without a grant.</summary>
    public const string DutyAccess = "license.duty-access";

    /// <summary>A department read a license directly by its role (issuer, verifier, archivist, admin).</summary>
    public const string Read = "license.read";

    /// <summary>A holder created a grant.</summary>
    public const string GrantCreate = "grant.create";

    /// <summary>A holder revoked a grant.</summary>
    public const string GrantRevoke = "grant.revoke";

    /// <summary>A holder made a single-use QR code for one license (亮证).</summary>
    public const string PresentationCreate = "presentation.create";

    /// <summary>A verifier redeemed a holder's single-use QR code.</summary>
    public const string PresentationRedeem = "presentation.redeem";

    /// <summary>A request was refused for lack of authentication or permission (401/403).</summary>
    public const string AccessDenied = "access.denied";

    /// <summary>An electronic archive package was exported.</summary>
    public const string Archive = "license.archive";

    /// <summary>An administrator rotated the registry's QR payload-signing key.</summary>
    public const string KeyRotate = "registry.key-rotate";
}

/// <summary>How an audited event ended.</summary>
public enum AuditOutcome
{
    /// <summary>Done as asked.</summary>
    Success,

    /// <summary>Refused: not authenticated, not permitted, no live grant.</summary>
    Denied,

    /// <summary>Attempted and failed: invalid input, conflict, verification failure.</summary>
    Failed,
}

/// <summary>Who acted.</summary>
public enum AuditActorKind
{
    /// <summary>A department acting through one of its role credentials.</summary>
    Department,

    /// <summary>A license holder (a citizen, or the authorised agent of a legal entity).</summary>
    Holder,

    /// <summary>The registry itself (scheduled work, status lists).</summary>
    System,

    /// <summary>An unauthenticated caller.</summary>
    Anonymous,
}

/// <summary>One event for the append-only audit log.</summary>
/// <remarks>
/// The fields marked personal (holder code, agent, officer) are never written to the Merkle log in clear: the log holds salted
/// hashes of them, and the readable entry stays in the registry under access control (the holder reads their own, an admin all).
/// <see cref="Detail"/> must hold no personal data.
/// </remarks>
public sealed record AuditEntry
{
    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public required string Action { get; init; }

    /// <summary>How it ended.</summary>
    public required AuditOutcome Outcome { get; init; }

    /// <summary>Who acted.</summary>
    public required AuditActorKind ActorKind { get; init; }

    /// <summary>The acting department's 统一社会信用代码, for department actors.</summary>
    public string? Department { get; init; }

    /// <summary>The acting credential's role name (issuer, verifier, archivist, admin), for department actors.</summary>
    public string? Role { get; init; }

    /// <summary>Personal: the holder whose license or grant this is (公民身份号码 or 统一社会信用代码).</summary>
    public string? HolderCode { get; init; }

    /// <summary>Personal: the agent's 公民身份号码 when a legal entity's authorised agent acted for it.</summary>
    public string? AgentCode { get; init; }

    /// <summary>Personal: the officer who acted, for duty-based access (依职能用证).</summary>
    public string? OfficerId { get; init; }

    /// <summary>The license's 证照标识, when the event concerns one.</summary>
    public string? LicenseId { get; init; }

    /// <summary>The license type code, when known.</summary>
    public string? TypeCode { get; init; }

    /// <summary>The grant the access relied on, or the grant created/revoked.</summary>
    public string? GrantId { get; init; }

    /// <summary>事项编码: the government service item the use serves.</summary>
    public string? Purpose { get; init; }

    /// <summary>业务流水号 or case number of the use.</summary>
    public string? CaseNumber { get; init; }

    /// <summary>The legal-basis code of a duty-based access.</summary>
    public string? LegalBasis { get; init; }

    /// <summary>The fields disclosed, for shares and redemptions.</summary>
    public IReadOnlyList<string>? Fields { get; init; }

    /// <summary>A short machine-readable note (error code, verdict, endpoint); never personal data.</summary>
    public string? Detail { get; init; }
}

/// <summary>An event as stored in the log.</summary>
/// <param name="Index">Its leaf index in the Merkle tree (0-based).</param>
/// <param name="AtUtc">When the log appended it.</param>
/// <param name="Entry">The readable entry.</param>
/// <param name="LeafHash">RFC 9162 leaf hash (SHA-256 of 0x00 ‖ leaf data), lower-case hex.</param>
public sealed record AuditedEvent(long Index, DateTimeOffset AtUtc, AuditEntry Entry, string LeafHash);
