using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>An archivist's export job as the API shows it.</summary>
/// <param name="Id">The job id.</param>
/// <param name="RequestedBy">The archivist department's 统一社会信用代码.</param>
/// <param name="Selection">What was asked for.</param>
/// <param name="Status"><c>queued</c>, <c>running</c>, <c>completed</c> or <c>failed</c>.</param>
/// <param name="Total">License versions selected (known once running).</param>
/// <param name="Exported">Packages copied so far.</param>
/// <param name="Failed">Packages that could not be made or copied.</param>
/// <param name="Bytes">Bytes copied so far.</param>
/// <param name="Error">Why the job failed, when it did.</param>
/// <param name="CreatedAt">When it was asked for.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="CompletedAt">When it ended.</param>
public sealed record ArchiveExportJob(
    string Id,
    string RequestedBy,
    ArchiveSelection Selection,
    string Status,
    int Total,
    int Exported,
    int Failed,
    long Bytes,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt)
{
    /// <summary>The key prefix of the job's packages in the archive store.</summary>
    public string StorePrefix => ArchiveExportJobs.PrefixOf(Id);
}

/// <summary>Export jobs: asked for through the API, run by the archive worker into <c>exports/{job}/</c> of the archive store.</summary>
/// <remarks>
/// A running job carries a heartbeat (<see cref="ArchiveExportRecord.HeartbeatAtUtc"/>) that its worker refreshes with every
/// progress update and at least every <see cref="HeartbeatEvery"/>. A job whose worker died (its heartbeat is older than
/// <see cref="ArchiveOptions.ExportStaleAfter"/>) is claimed by the next worker and run again from the start, which is safe
/// because an export rewrites the same keys. Every write of a run is conditional on the heartbeat it last wrote, so a run
/// whose job was taken over stops without touching it. A worker that is stopped puts its job back in the queue.
/// </remarks>
internal sealed class ArchiveExportJobs
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string FailedStatus = "failed";

    private const int ProgressEvery = 50;
    private const int Candidates = 5;
    private static readonly TimeSpan MaxHeartbeatEvery = TimeSpan.FromSeconds(10);

    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly TimeProvider clock;
    private readonly ArchiveOptions options;

    public ArchiveExportJobs(IDbContextFactory<RegistryDbContext> contexts, TimeProvider clock, ArchiveOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ExportStaleAfter, TimeSpan.Zero, "Archives:ExportStaleAfter");
        this.contexts = contexts;
        this.clock = clock;
        this.options = options;
    }

    /// <summary>How often a running job's heartbeat is refreshed: every 10 seconds, or a quarter of the stale limit when that is shorter.</summary>
    public TimeSpan HeartbeatEvery => options.ExportStaleAfter / 4 < MaxHeartbeatEvery ? options.ExportStaleAfter / 4 : MaxHeartbeatEvery;

    public static string PrefixOf(string jobId) => $"exports/{jobId}/";

    public async Task<ArchiveExportJob> CreateAsync(DepartmentIdentity caller, ArchiveSelection selection, CancellationToken cancellationToken)
    {
        var record = new ArchiveExportRecord
        {
            Id = Guid.NewGuid().ToString("N"),
            RequestedBy = caller.Code.Value,
            SelectionJson = selection.ToJson(),
            Status = Queued,
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ArchiveExports.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return View(record);
    }

    /// <summary>A job the caller may see: its own department's, or any for an admin.</summary>
    public async Task<ArchiveExportJob?> FindAsync(DepartmentIdentity caller, string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.ArchiveExports.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        return record is null || (caller.Role != DepartmentRole.Admin && record.RequestedBy != caller.Code.Value) ? null : View(record);
    }

    /// <summary>Runs the oldest queued job, or a running job whose worker stopped sending heartbeats, to its end; returns false when there was none.</summary>
    /// <param name="export">Copies the selection's packages, yielding one result per license version (error null on success).</param>
    /// <param name="count">Counts the selection's license versions.</param>
    /// <param name="cancellationToken">
    /// Stops the job: it is put back in the queue with its counts reset (or, if that write fails, taken over once its heartbeat is stale)
    /// and the <see cref="OperationCanceledException"/> is rethrown.
    /// </param>
    /// <remarks>A job taken over from a dead worker starts again from the start with its counts reset; its packages are rewritten under the same keys.</remarks>
    public async Task<bool> RunNextAsync(
        Func<ArchiveExportJob, CancellationToken, IAsyncEnumerable<ArchiveExportItem>> export,
        Func<ArchiveSelection, CancellationToken, Task<int>> count,
        CancellationToken cancellationToken)
    {
        var run = await ClaimAsync(cancellationToken);
        if (run is null)
        {
            return false;
        }

        using (run)
        {
            await RunAsync(run, export, count, cancellationToken);
        }

        return true;
    }

    private async Task RunAsync(
        Claim run,
        Func<ArchiveExportJob, CancellationToken, IAsyncEnumerable<ArchiveExportItem>> export,
        Func<ArchiveSelection, CancellationToken, Task<int>> count,
        CancellationToken cancellationToken)
    {
        using var working = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, run.Lost.Token);
        using var beats = CancellationTokenSource.CreateLinkedTokenSource(working.Token);
        var beating = BeatAsync(run, beats.Token);

        async Task StopBeatingAsync()
        {
            await beats.CancelAsync();
            try
            {
                await beating;
            }
            catch (OperationCanceledException)
            {
            }
        }

        try
        {
            var total = await count(run.Job.Selection, working.Token);
            run.SetTotal(total);
            await SaveProgressAsync(run, working.Token);
            await foreach (var item in export(run.Job, working.Token).WithCancellation(working.Token))
            {
                if (run.Report(item) % ProgressEvery == 0)
                {
                    await SaveProgressAsync(run, working.Token);
                }
            }

            await StopBeatingAsync();
            await SaveAsync(run, Completed, null, CancellationToken.None);
        }
        catch (OperationCanceledException) when (run.Lost.IsCancellationRequested)
        {
            // Another worker took the job over (this one looked dead to it): the job is that worker's now.
            await StopBeatingAsync();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await StopBeatingAsync();
            try
            {
                await RequeueAsync(run);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database is unreachable: the job stays running and is taken over once its heartbeat is stale.
            }

            throw;
        }
        catch (Exception e)
        {
            await StopBeatingAsync();
            var reason = $"{e.GetType().Name}: {e.Message}";
            await SaveAsync(run, FailedStatus, reason.Length > 500 ? reason[..500] : reason, CancellationToken.None);
        }
    }

    /// <summary>Refreshes the heartbeat (with the progress so far) every <see cref="HeartbeatEvery"/>, so that a slow package does not make the job look dead.</summary>
    private async Task BeatAsync(Claim run, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(HeartbeatEvery, clock, cancellationToken);
            try
            {
                await SaveProgressAsync(run, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A database hiccup: the next beat tries again, well within the stale limit.
            }
        }
    }

    private async Task SaveProgressAsync(Claim run, CancellationToken cancellationToken)
    {
        if (!await SaveAsync(run, Running, null, cancellationToken))
        {
            await run.Lost.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Writes the run's counts, its status and a new heartbeat, if the job is still this run's; false when another worker has taken it over.</summary>
    private async Task<bool> SaveAsync(Claim run, string status, string? error, CancellationToken cancellationToken)
    {
        await run.Gate.WaitAsync(cancellationToken);
        try
        {
            var (total, exported, failed, bytes) = run.Progress;
            var now = Now();
            DateTime? heartbeat = status == Running ? now : null;
            DateTime? completed = status == Running ? null : now;
            var previous = run.Heartbeat;
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var written = await db.ArchiveExports.Where(j => j.Id == run.Job.Id && j.Status == Running && j.HeartbeatAtUtc == previous)
                .ExecuteUpdateAsync(
                    u => u.SetProperty(j => j.Total, total)
                        .SetProperty(j => j.Exported, exported)
                        .SetProperty(j => j.Failed, failed)
                        .SetProperty(j => j.Bytes, bytes)
                        .SetProperty(j => j.Status, status)
                        .SetProperty(j => j.Error, error)
                        .SetProperty(j => j.HeartbeatAtUtc, heartbeat)
                        .SetProperty(j => j.CompletedAtUtc, completed),
                    cancellationToken);
            if (written == 1 && heartbeat is { } beat)
            {
                run.Heartbeat = beat;
            }

            return written == 1;
        }
        finally
        {
            run.Gate.Release();
        }
    }

    private async Task RequeueAsync(Claim run)
    {
        var previous = run.Heartbeat;
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        await db.ArchiveExports.Where(j => j.Id == run.Job.Id && j.Status == Running && j.HeartbeatAtUtc == previous)
            .ExecuteUpdateAsync(
                u => u.SetProperty(j => j.Status, Queued)
                    .SetProperty(j => j.Total, 0)
                    .SetProperty(j => j.Exported, 0)
                    .SetProperty(j => j.Failed, 0)
                    .SetProperty(j => j.Bytes, 0L)
                    .SetProperty(j => j.StartedAtUtc, (DateTime?)null)
                    .SetProperty(j => j.HeartbeatAtUtc, (DateTime?)null),
                CancellationToken.None);
    }

    private async Task<Claim?> ClaimAsync(CancellationToken cancellationToken)
    {
        foreach (var candidate in await ClaimableAsync(cancellationToken))
        {
            if (await TryClaimAsync(candidate, cancellationToken) is { } claim)
            {
                return claim;
            }
        }

        return null;
    }

    /// <summary>The oldest jobs that are queued, or running with a heartbeat older than the stale limit.</summary>
    internal async Task<IReadOnlyList<ArchiveExportRecord>> ClaimableAsync(CancellationToken cancellationToken)
    {
        var staleBefore = Now() - options.ExportStaleAfter;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ArchiveExports.AsNoTracking()
            .Where(j => j.Status == Queued || (j.Status == Running && (j.HeartbeatAtUtc == null || j.HeartbeatAtUtc < staleBefore)))
            .OrderBy(j => j.CreatedAtUtc)
            .Take(Candidates)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Claims a job as it was read, resetting its counts; null when another worker changed it since (claimed it, or refreshed its heartbeat).</summary>
    /// <remarks>The condition includes the heartbeat read: two workers that both saw the same stale running job cannot both win it.</remarks>
    internal async Task<Claim?> TryClaimAsync(ArchiveExportRecord candidate, CancellationToken cancellationToken)
    {
        var now = Now();
        var (status, heartbeat) = (candidate.Status, candidate.HeartbeatAtUtc);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var won = await db.ArchiveExports.Where(j => j.Id == candidate.Id && j.Status == status && j.HeartbeatAtUtc == heartbeat)
            .ExecuteUpdateAsync(
                u => u.SetProperty(j => j.Status, Running)
                    .SetProperty(j => j.StartedAtUtc, now)
                    .SetProperty(j => j.HeartbeatAtUtc, now)
                    .SetProperty(j => j.Total, 0)
                    .SetProperty(j => j.Exported, 0)
                    .SetProperty(j => j.Failed, 0)
                    .SetProperty(j => j.Bytes, 0L)
                    .SetProperty(j => j.Error, (string?)null)
                    .SetProperty(j => j.CompletedAtUtc, (DateTime?)null),
                cancellationToken);
        if (won != 1)
        {
            return null;
        }

        var view = View(candidate) with { Status = Running, Total = 0, Exported = 0, Failed = 0, Bytes = 0, Error = null, StartedAt = new DateTimeOffset(now, TimeSpan.Zero), CompletedAt = null };
        return new Claim(view, now);
    }

    /// <summary>Now, to the millisecond: the heartbeat is compared for equality, so it must survive any provider's timestamp precision.</summary>
    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }

    /// <summary>A job this worker has claimed: its progress, the heartbeat it last wrote, and whether it has lost the job.</summary>
    internal sealed class Claim(ArchiveExportJob job, DateTime heartbeat) : IDisposable
    {
        private readonly Lock progress = new();
        private int total, exported, failed;
        private long bytes;

        public ArchiveExportJob Job { get; } = job;

        /// <summary>The heartbeat this run last wrote: its claim on the job.</summary>
        public DateTime Heartbeat { get; set; } = heartbeat;

        /// <summary>Serialises the run's writes (progress and heartbeats), so each is conditional on the one before.</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>Cancelled when a write finds the job taken over by another worker.</summary>
        public CancellationTokenSource Lost { get; } = new();

        public (int Total, int Exported, int Failed, long Bytes) Progress
        {
            get
            {
                lock (progress)
                {
                    return (total, exported, failed, bytes);
                }
            }
        }

        public void SetTotal(int total)
        {
            lock (progress)
            {
                this.total = total;
            }
        }

        /// <summary>Counts one item and returns how many were handled so far.</summary>
        public int Report(ArchiveExportItem item)
        {
            lock (progress)
            {
                if (item.Error is null)
                {
                    exported++;
                    bytes += item.Bytes;
                }
                else
                {
                    failed++;
                }

                return exported + failed;
            }
        }

        public void Dispose()
        {
            Gate.Dispose();
            Lost.Dispose();
        }
    }

    private static ArchiveExportJob View(ArchiveExportRecord r) => new(
        r.Id,
        r.RequestedBy,
        ArchiveSelection.FromJson(r.SelectionJson),
        r.Status,
        r.Total,
        r.Exported,
        r.Failed,
        r.Bytes,
        r.Error,
        new DateTimeOffset(r.CreatedAtUtc, TimeSpan.Zero),
        r.StartedAtUtc is { } started ? new DateTimeOffset(started, TimeSpan.Zero) : null,
        r.CompletedAtUtc is { } completed ? new DateTimeOffset(completed, TimeSpan.Zero) : null);
}

/// <summary>One license version of an export.</summary>
/// <param name="LicenseId">Its 证照标识.</param>
/// <param name="BagName">The bag's base directory name in the target.</param>
/// <param name="PackageSha256">The package digest, when exported.</param>
/// <param name="Bytes">Bytes copied.</param>
/// <param name="Error">Why it could not be exported (never holder data), or null.</param>
public sealed record ArchiveExportItem(string LicenseId, string BagName, string? PackageSha256, long Bytes, string? Error);
