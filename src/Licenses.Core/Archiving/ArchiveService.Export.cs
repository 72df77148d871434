using System.Runtime.CompilerServices;
using ElectronicLicense.Licenses.Archiving.BagIt;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Archiving;

public sealed partial class ArchiveService
{
    private const int PageSize = 500;

    /// <summary>Packages copied at once by an export: enough to overlap store latency and batch the audit events, few enough
    /// that memory stays a handful of copy buffers.</summary>
    private const int ExportConcurrency = 8;

    /// <summary>Counts the license versions a selection takes.</summary>
    public async Task<int> CountAsync(ArchiveSelection selection, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Select(db, selection).CountAsync(cancellationToken);
    }

    /// <summary>
    /// Exports a selection: each license version's package (archived now if it was not yet) is copied file by file to the bag
    /// target <paramref name="targets"/> gives for its base directory name. Streams: a page of ids and a few packages in flight
    /// at a time, so memory does not grow with the selection; results come in the selection's order.
    /// </summary>
    /// <param name="caller">The archivist; each exported package is audited in their name.</param>
    /// <param name="selection">What to export.</param>
    /// <param name="targets">The target for one bag, by its base directory name; called from several threads at once.</param>
    /// <param name="exportName">Names the export in the audit log (a job id, or <c>cli</c>).</param>
    /// <param name="cancellationToken">Stops between files; copies in flight are stopped before the enumeration ends.</param>
    public async IAsyncEnumerable<ArchiveExportItem> ExportAsync(
        DepartmentIdentity caller,
        ArchiveSelection selection,
        Func<string, IBagTarget> targets,
        string exportName,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(targets);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new Queue<Task<ArchiveExportItem>>();
        try
        {
            long after = 0;
            while (true)
            {
                var page = await ExportPageAsync(selection, after, cancellationToken);
                foreach (var (id, licenseId, package) in page)
                {
                    after = id;
                    inFlight.Enqueue(ExportOneAsync(caller, licenseId, package, targets, exportName, stop.Token));
                    if (inFlight.Count >= ExportConcurrency)
                    {
                        yield return await inFlight.Dequeue();
                    }
                }

                if (page.Count < PageSize)
                {
                    break;
                }
            }

            while (inFlight.Count > 0)
            {
                yield return await inFlight.Dequeue();
            }
        }
        finally
        {
            // Cancelled, failed or abandoned by the caller: stop the copies still running and wait for them, so nothing writes
            // to the targets after the enumeration has ended.
            await stop.CancelAsync();
            foreach (var copy in inFlight)
            {
                await copy.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Queues an export job for an archivist; the archive worker runs it into <c>exports/{job}/</c> of the archive store.</summary>
    public async Task<ArchiveExportJob> CreateExportJobAsync(DepartmentIdentity caller, ArchiveSelection selection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(selection);
        var job = await jobs.CreateAsync(caller, selection, cancellationToken);
        await audit.AppendAsync(caller.Entry(AuditActions.Archive, AuditOutcome.Success) with
        {
            LicenseId = selection.LicenseId?.Value,
            TypeCode = (selection.LicenseId?.TypeCode ?? selection.TypeCode)?.Value,
            Detail = $"export {job.Id} queued",
        }, CancellationToken.None);
        return job;
    }

    /// <summary>An export job the caller may see (its own department's; an admin sees all), or null.</summary>
    public Task<ArchiveExportJob?> FindExportJobAsync(DepartmentIdentity caller, string jobId, CancellationToken cancellationToken = default) =>
        jobId.Length is > 0 and <= 40 ? jobs.FindAsync(caller, jobId, cancellationToken) : Task.FromResult<ArchiveExportJob?>(null);

    /// <summary>The bag names of a job's exported packages, in order.</summary>
    public async IAsyncEnumerable<string> ExportedBagsAsync(ArchiveExportJob job, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        const string marker = "/tagmanifest-sha256.txt";
        await foreach (var blob in store.ListAsync(job.StorePrefix, cancellationToken))
        {
            var rest = blob.Key[job.StorePrefix.Length..];
            if (rest.EndsWith(marker, StringComparison.Ordinal) && rest.IndexOf('/', StringComparison.Ordinal) == rest.Length - marker.Length)
            {
                yield return rest[..^marker.Length];
            }
        }
    }

    /// <summary>Reads one exported package of a job.</summary>
    public IBagSource OpenExported(ArchiveExportJob job, string bagName)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new BlobBagSource(store, job.StorePrefix + bagName + "/");
    }

    /// <summary>Runs the oldest queued export job into <c>exports/{job}/</c> of the archive store; false when none was queued.</summary>
    public Task<bool> RunNextExportJobAsync(CancellationToken cancellationToken = default) =>
        jobs.RunNextAsync(ExportJobAsync, CountAsync, cancellationToken);

    private async IAsyncEnumerable<ArchiveExportItem> ExportJobAsync(ArchiveExportJob job, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The requester acts again as it asked: archivist, or admin for a department with that role only.
        var code = UnifiedSocialCreditCode.Parse(job.RequestedBy);
        var caller = await departments.ActAsAsync(code, DepartmentRole.Archivist, cancellationToken)
            ?? await departments.ActAsAsync(code, DepartmentRole.Admin, cancellationToken)
            ?? throw new InvalidOperationException("The department that asked for the export no longer has the archivist or admin role.");
        await foreach (var item in ExportAsync(caller, job.Selection, bagName => new BlobBagTarget(store, job.StorePrefix + bagName + "/"), "export " + job.Id, cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>A page of the selection after version row <paramref name="after"/>, each with its package when it is archived.</summary>
    private async Task<List<(long Id, LicenseId LicenseId, ArchivedPackage? Package)>> ExportPageAsync(
        ArchiveSelection selection, long after, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var versions = await Select(db, selection).Where(v => v.Id > after).OrderBy(v => v.Id).Take(PageSize)
            .Select(v => new { v.Id, v.LicenseId }).ToListAsync(cancellationToken);
        var ids = versions.Select(v => v.LicenseId.Value).ToList();
        var packages = await db.ArchivePackages.AsNoTracking()
            .Where(p => p.CaseNumber == string.Empty && ids.Contains(p.LicenseId))
            .ToDictionaryAsync(p => p.LicenseId, StringComparer.Ordinal, cancellationToken);
        return versions.Select(v => (v.Id, v.LicenseId, packages.TryGetValue(v.LicenseId.Value, out var p) ? View(p) : null)).ToList();
    }

    private async Task<ArchiveExportItem> ExportOneAsync(
        DepartmentIdentity caller, LicenseId licenseId, ArchivedPackage? archived, Func<string, IBagTarget> targets, string exportName, CancellationToken cancellationToken)
    {
        // Off the caller's thread at once, so the next packages start while this one waits on its store.
        await Task.Yield();
        var bagName = ArchiveLayout.BaseDirectory(licenseId);
        try
        {
            var package = archived ?? await ArchiveAsync(licenseId, string.Empty, cancellationToken);
            var source = Open(package);
            var target = targets(package.BagName);
            long bytes = 0;
            await foreach (var file in source.ListFilesAsync(cancellationToken))
            {
                await using var content = await source.OpenAsync(file.RelativePath, cancellationToken)
                    ?? throw new InvalidOperationException($"The archive store lost {file.RelativePath} of {licenseId}.");
                await target.WriteAsync(file.RelativePath, content, cancellationToken);
                bytes += file.Length;
            }

            await audit.AppendAsync(caller.Entry(AuditActions.Archive, AuditOutcome.Success) with
            {
                LicenseId = licenseId.Value,
                TypeCode = licenseId.TypeCode.Value,
                Detail = $"{exportName} sha256:{package.PackageSha256}",
            }, CancellationToken.None);
            return new ArchiveExportItem(licenseId.Value, package.BagName, package.PackageSha256, bytes, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await audit.AppendAsync(caller.Entry(AuditActions.Archive, AuditOutcome.Failed) with
            {
                LicenseId = licenseId.Value,
                TypeCode = licenseId.TypeCode.Value,
                Detail = $"{exportName} {e.GetType().Name}",
            }, CancellationToken.None);
            return new ArchiveExportItem(licenseId.Value, bagName, null, 0, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static IQueryable<LicenseVersionRecord> Select(RegistryDbContext db, ArchiveSelection selection)
    {
        if (selection.LicenseId is { } id)
        {
            return db.LicenseVersions.AsNoTracking().Where(v => v.LicenseId == id);
        }

        var type = selection.TypeCode!;
        DateOnly from = selection.IssuedFrom!.Value, to = selection.IssuedTo!.Value;
        return db.LicenseVersions.AsNoTracking()
            .Where(v => v.IssueDate >= from && v.IssueDate <= to && db.Licenses.Any(l => l.Id == v.LicenseRecordId && l.TypeCode == type));
    }
}
