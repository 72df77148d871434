namespace ElectronicLicense.Licenses.Audit;

/// <summary>The audit log's settings (configuration section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Audit";

    /// <summary>How often a new signed tree head is made when the log grew; default 10 seconds. A request for the latest head always gets a current one.</summary>
    public TimeSpan TreeHeadInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most events committed in one transaction (group commit); default 4096.</summary>
    public int MaxBatchSize { get; set; } = 4096;
}
