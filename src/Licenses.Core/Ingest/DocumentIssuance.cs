using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Issuance;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Ingest;

/// <summary>
/// Gives stored license versions their sealed OFD and PDF: renders and seals outside any transaction, in parallel across
/// cores, then attaches the documents, the archive queue entry and the <c>license.issue</c> event in one short transaction
/// that also deletes the versions' jobs.
/// </summary>
/// <remarks>
/// A single push issues its own documents right after its commit, so its answer carries them; batches leave them to the
/// background worker (<see cref="IssuePendingAsync"/> in tools). Whatever stops midway, the job stays until its
/// documents are attached, and a version never gets two sets: only the holder of a job's lease can delete it.
/// </remarks>
public sealed class DocumentIssuance
{
    /// <summary>Jobs claimed per pass: enough to keep every core busy, few enough that one transaction attaches them quickly.</summary>
    internal const int PassSize = 64;

    private const int MaxAttachAttempts = 4;
    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly LicenseDocumentIssuer issuer;
    private readonly LicenseCatalog catalog;
    private readonly DepartmentDirectory departments;
    private readonly DocumentJobs jobs;
    private readonly TimeProvider clock;
    private readonly IAuditTrail? audit;
    private readonly bool archiveOnIssue;

    internal DocumentIssuance(
        IDbContextFactory<RegistryDbContext> contexts,
        LicenseDocumentIssuer issuer,
        LicenseCatalog catalog,
        DepartmentDirectory departments,
        DocumentJobs jobs,
        TimeProvider clock,
        IAuditTrail? audit,
        bool archiveOnIssue)
    {
        this.contexts = contexts;
        this.issuer = issuer;
        this.catalog = catalog;
        this.departments = departments;
        this.jobs = jobs;
        this.clock = clock;
        this.audit = audit;
        this.archiveOnIssue = archiveOnIssue;
    }

    /// <summary>Raised (without arguments) when jobs were queued for the background worker.</summary>
    internal event Action? Queued;

    /// <summary>Issues the documents of every version that waits for them and is due, until none is; returns how many got them.</summary>
    /// <remarks>For tools without the background worker (an import from the command line). A job that fails waits for its backoff and is not retried here.</remarks>
    public Task<int> IssuePendingAsync(CancellationToken cancellationToken = default) => RunPassesAsync(cancellationToken);

    /// <summary>Claims, renders and attaches passes until none is due; returns how many versions got their documents.</summary>
    /// <remarks>
    /// The next pass is claimed and rendered while the previous one attaches: attaching is a write transaction and an audit
    /// commit that use one core at most, and on SQLite may wait for the write lock, so rendering would otherwise stop for it.
    /// </remarks>
    internal async Task<int> RunPassesAsync(CancellationToken cancellationToken)
    {
        var issued = 0;
        Task<int>? attaching = null;
        try
        {
            while (true)
            {
                var claims = await jobs.ClaimDueAsync(PassSize, cancellationToken);
                if (claims.Count == 0)
                {
                    break;
                }

                var pass = await RenderAsync(claims, cancellationToken);
                if (attaching is not null)
                {
                    issued += await attaching;
                }

                attaching = FinishAsync(pass, cancellationToken);
            }
        }
        catch when (attaching is not null)
        {
            // The pass already rendered still attaches before this failure is passed on; if it fails too, its jobs wait for their leases.
            await attaching.ContinueWith(t => { _ = t.Exception; }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }

        return attaching is null ? issued : issued + await attaching;
    }

    /// <summary>How long a claim holds a job.</summary>
    internal TimeSpan JobLease => jobs.Lease;

    /// <summary>Versions waiting for their documents, and how many of them have failed at least once.</summary>
    public Task<(int Waiting, int Failing)> CountPendingAsync(CancellationToken cancellationToken = default) => jobs.CountAsync(cancellationToken);

    internal void NotifyQueued() => Queued?.Invoke();

    /// <summary>Renders, seals and attaches the documents of the claimed jobs; returns how many versions got them.</summary>
    /// <remarks>A job that fails is released with a backoff and its reason; the others go on.</remarks>
    internal async Task<int> IssueAsync(IReadOnlyList<DocumentJobs.Claim> claims, CancellationToken cancellationToken) =>
        claims.Count == 0 ? 0 : await FinishAsync(await RenderAsync(claims, cancellationToken), cancellationToken);

    /// <summary>Renders and seals the documents of the claimed jobs across every core, outside any transaction.</summary>
    private async Task<RenderedPass> RenderAsync(IReadOnlyList<DocumentJobs.Claim> claims, CancellationToken cancellationToken)
    {
        var work = await LoadAsync(claims, cancellationToken);
        var directory = (await departments.ListAsync(cancellationToken)).ToDictionary(d => d.Code);
        var plans = new Dictionary<(LicenseTypeCode, string), Task<SealingPlan>>();
        foreach (var item in work)
        {
            var key = (item.TypeCode, item.IssuerCode);
            if (!plans.ContainsKey(key))
            {
                plans[key] = PlanAsync(item, directory, cancellationToken);
            }
        }

        // Each seal is read once per pass, however many licenses it seals.
        var rendered = new IReadOnlyList<LicenseDocumentRecord>?[work.Count];
        var failures = new Exception?[work.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, work.Count), new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = Environment.ProcessorCount,
        }, async (i, token) =>
        {
            var item = work[i];
            try
            {
                var plan = await plans[(item.TypeCode, item.IssuerCode)];
                var payload = item.OfflinePayload ?? LicenseDocumentIssuer.VerificationPayload(item.LicenseId);
                var storedAt = new DateTimeOffset(item.StoredAtUtc, TimeSpan.Zero);
                rendered[i] = await issuer.IssueAsync(plan, item.LicenseId, item.DataJson, storedAt, clock.GetUtcNow(), payload, pdf: true, token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures[i] = e;
            }
        });

        return new RenderedPass(claims, work, rendered, failures);
    }

    /// <summary>Attaches a rendered pass, releases its failed and vanished jobs, and moves its audit events into the log.</summary>
    private async Task<int> FinishAsync(RenderedPass pass, CancellationToken cancellationToken)
    {
        var (claims, work, rendered, failures) = pass;
        var attached = await AttachAsync(work, rendered, cancellationToken);
        for (var i = 0; i < work.Count; i++)
        {
            if (failures[i] is { } failure)
            {
                await jobs.FailAsync(work[i].Claim, failure);
            }
        }

        foreach (var missing in claims.Where(c => work.All(w => w.Claim != c)))
        {
            // The version is gone (its job would have gone with it): nothing to seal.
            await jobs.FailAsync(missing, new InvalidOperationException($"license version {missing.VersionId} not found"));
        }

        if (attached > 0)
        {
            await AuditOutbox.AppendCommittedAsync(audit);
        }

        return attached;
    }

    private sealed record RenderedPass(
        IReadOnlyList<DocumentJobs.Claim> Claims,
        List<Work> Work,
        IReadOnlyList<LicenseDocumentRecord>?[] Rendered,
        Exception?[] Failures);

    private async Task<SealingPlan> PlanAsync(Work item, IReadOnlyDictionary<UnifiedSocialCreditCode, Department> directory, CancellationToken cancellationToken)
    {
        if (!catalog.TryGet(item.TypeCode, out var type))
        {
            throw new InvalidOperationException($"license type {item.TypeCode} is not in the catalog");
        }

        var issuing = directory.GetValueOrDefault(UnifiedSocialCreditCode.Parse(item.IssuerCode))
            ?? throw new InvalidOperationException($"department {item.IssuerCode} is not in the directory");
        return await issuer.PlanAsync(type, issuing, directory, cancellationToken);
    }

    /// <summary>Attaches what was rendered in one transaction, retried as a whole on a conflict or a transient failure; nothing is rendered again.</summary>
    private async Task<int> AttachAsync(IReadOnlyList<Work> work, IReadOnlyList<IReadOnlyList<LicenseDocumentRecord>?> rendered, CancellationToken cancellationToken)
    {
        if (rendered.All(r => r is null))
        {
            return 0;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryAttachAsync(work, rendered, cancellationToken);
            }
            catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException { IsTransient: true } && attempt < MaxAttachAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt * Random.Shared.Next(1, 5)), clock, cancellationToken);
            }
        }
    }

    private async Task<int> TryAttachAsync(IReadOnlyList<Work> work, IReadOnlyList<IReadOnlyList<LicenseDocumentRecord>?> rendered, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var attached = 0;
        for (var i = 0; i < work.Count; i++)
        {
            var item = work[i];
            if (rendered[i] is not { } documents || !await DocumentJobs.CompleteAsync(db, item.Claim, cancellationToken))
            {
                // Not rendered, or the lease was lost to another worker, which attaches its own: these files stay unreferenced.
                continue;
            }

            // Fresh records per attempt: a rolled-back attempt must not leave keys on them.
            db.LicenseDocuments.AddRange(documents.Select(d => new LicenseDocumentRecord
            {
                LicenseVersionRecordId = item.VersionId,
                Format = d.Format,
                Origin = d.Origin,
                Sha256 = d.Sha256,
                Sm3 = d.Sm3,
                Length = d.Length,
                Signers = d.Signers,
                CreatedAtUtc = d.CreatedAtUtc,
            }));
            if (archiveOnIssue)
            {
                // 办结即归档: the package is queued with the documents it packs.
                db.ArchiveOutbox.Add(Archiving.ArchiveQueue.Entry(item.LicenseId.ToString(), Archiving.ArchiveQueue.Issued, string.Empty, now));
            }

            if (audit is not null)
            {
                AuditOutbox.Add(db, new AuditEntry
                {
                    Action = AuditActions.Issue,
                    Outcome = AuditOutcome.Success,
                    ActorKind = AuditActorKind.Department,
                    Department = item.IssuerCode,
                    Role = DepartmentNames.Of(DepartmentRole.Issuer),
                    HolderCode = item.HolderCode,
                    LicenseId = item.LicenseId.Value,
                    TypeCode = item.TypeCode.Value,
                    Detail = "sealed ofd pdf",
                }, now);
            }

            attached++;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return attached;
    }

    private async Task<List<Work>> LoadAsync(IReadOnlyList<DocumentJobs.Claim> claims, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ids = claims.Select(c => c.VersionId).ToList();
        var rows = await (
            from v in db.LicenseVersions.AsNoTracking()
            join l in db.Licenses.AsNoTracking() on v.LicenseRecordId equals l.Id
            where ids.Contains(v.Id)
            select new
            {
                v.Id,
                v.LicenseId,
                v.DataJson,
                v.StoredAtUtc,
                l.TypeCode,
                l.IssuerCode,
                l.HolderCode,
                Payload = db.StatusListEntries.Where(e => e.LicenseVersionRecordId == v.Id).Select(e => e.OfflinePayload).FirstOrDefault(),
            }).ToListAsync(cancellationToken);
        var byVersion = rows.ToDictionary(r => r.Id);
        return claims.Where(c => byVersion.ContainsKey(c.VersionId)).Select(c =>
        {
            var row = byVersion[c.VersionId];
            return new Work(c, row.LicenseId, row.DataJson, row.StoredAtUtc, row.TypeCode, row.IssuerCode, row.HolderCode, row.Payload);
        }).ToList();
    }

    private sealed record Work(
        DocumentJobs.Claim Claim,
        LicenseId LicenseId,
        string DataJson,
        DateTime StoredAtUtc,
        LicenseTypeCode TypeCode,
        string IssuerCode,
        string HolderCode,
        string? OfflinePayload)
    {
        public long VersionId => Claim.VersionId;
    }
}
