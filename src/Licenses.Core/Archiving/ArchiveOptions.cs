namespace ElectronicLicense.Licenses.Archiving;

/// <summary>Electronic archives (configuration section <c>Archives</c>); the store itself is <c>Archives:Store</c>.</summary>
public sealed class ArchiveOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Archives";

    /// <summary>办结即归档: queue a package for every license version stored (default true).</summary>
    public bool ArchiveOnIssue { get; set; } = true;

    /// <summary>Run the archive worker in this process (default true; turn off on all but one instance if you prefer).</summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>How often the worker looks for due packages and export jobs when idle.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long after a version is stored its package is made, so that the ingest and issue audit events are in the log first.</summary>
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts before a queued package is left failed for an operator to look at.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How long a running export job may go without a heartbeat before another worker takes it over and runs it again from the start (default 2 minutes).</summary>
    /// <remarks>A running job's heartbeat is refreshed at least every 10 seconds (more often when this is under 40 seconds), so a job is only taken over when its worker has stopped.</remarks>
    public TimeSpan ExportStaleAfter { get; set; } = TimeSpan.FromMinutes(2);
}
