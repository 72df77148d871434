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
internal sealed class ArchiveExportJobs(IDbContextFactory<RegistryDbContext> contexts, TimeProvider clock)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string FailedStatus = "failed";

    private const int ProgressEvery = 50;

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

    /// <summary>Runs the oldest queued job, if any, to its end; returns false when none was queued.</summary>
    /// <param name="export">Copies the selection's packages, yielding one result per license version (error null on success).</param>
    /// <param name="count">Counts the selection's license versions.</param>
    /// <param name="cancellationToken">Stops the job; it is left running and resumed from the start by the next worker.</param>
    public async Task<bool> RunNextAsync(
        Func<ArchiveExportJob, CancellationToken, IAsyncEnumerable<ArchiveExportItem>> export,
        Func<ArchiveSelection, CancellationToken, Task<int>> count,
        CancellationToken cancellationToken)
    {
        var job = await ClaimAsync(cancellationToken);
        if (job is null)
        {
            return false;
        }

        int exported = 0, failed = 0;
        long bytes = 0;
        try
        {
            var total = await count(job.Selection, cancellationToken);
            await UpdateAsync(job.Id, r => r.Total = total, cancellationToken);
            await foreach (var item in export(job, cancellationToken))
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

                if ((exported + failed) % ProgressEvery == 0)
                {
                    await UpdateAsync(job.Id, r => (r.Exported, r.Failed, r.Bytes) = (exported, failed, bytes), cancellationToken);
                }
            }

            var now = clock.GetUtcNow().UtcDateTime;
            await UpdateAsync(job.Id, r => (r.Exported, r.Failed, r.Bytes, r.Status, r.CompletedAtUtc) = (exported, failed, bytes, Completed, now), CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var reason = $"{e.GetType().Name}: {e.Message}";
            await UpdateAsync(job.Id, r => (r.Exported, r.Failed, r.Bytes, r.Status, r.Error, r.CompletedAtUtc) =
                (exported, failed, bytes, FailedStatus, reason.Length > 500 ? reason[..500] : reason, now), CancellationToken.None);
        }

        return true;
    }

    private async Task<ArchiveExportJob?> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var candidate in await db.ArchiveExports.AsNoTracking().Where(j => j.Status == Queued).OrderBy(j => j.CreatedAtUtc).Take(5).ToListAsync(cancellationToken))
        {
            var won = await db.ArchiveExports.Where(j => j.Id == candidate.Id && j.Status == Queued)
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, Running).SetProperty(j => j.StartedAtUtc, now), cancellationToken);
            if (won == 1)
            {
                candidate.Status = Running;
                candidate.StartedAtUtc = now;
                return View(candidate);
            }
        }

        return null;
    }

    private async Task UpdateAsync(string id, Action<ArchiveExportRecord> change, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.ArchiveExports.SingleAsync(j => j.Id == id, cancellationToken);
        change(record);
        await db.SaveChangesAsync(cancellationToken);
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
