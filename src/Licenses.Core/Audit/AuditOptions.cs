namespace ElectronicLicense.Licenses.Audit;

/// <summary>The audit log's settings (configuration section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Audit";

    /// <summary>How often a new signed tree head is made when the log grew; default 10 seconds. A request for the latest head always gets a current one.</summary>
    public TimeSpan TreeHeadInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the API looks for outbox events that no service appended (a crash between commit and append); default 2 seconds.</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most events committed in one transaction (group commit); default 4096.</summary>
    public int MaxBatchSize { get; set; } = 4096;

    /// <summary>SQLite only: commit the log's batches with <c>synchronous=NORMAL</c> instead of <c>FULL</c>; default false.</summary>
    /// <remarks>
    /// In WAL mode NORMAL skips the fsync at each commit: a committed batch survives a crash of the registry process but
    /// may be lost with the last moments before a power cut or an operating-system crash — after its callers were answered
    /// (receipts handed out). The default keeps every answered append durable against both; group commit already shares one
    /// fsync among all events of a batch.
    /// </remarks>
    public bool SqliteSynchronousNormal { get; set; }
}
