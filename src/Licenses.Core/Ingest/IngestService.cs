using ElectronicLicense.Licenses.Lifecycle;
using System.Data.Common;
using System.Runtime.CompilerServices;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Issuance;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Ingest;

/// <summary>归集: validates pushed licenses and stores each whole or not at all ("新发证照即入库、入库即可用").</summary>
/// <remarks>
/// Validation runs before any write. Records are stored in chunks, one transaction per chunk; a chunk that loses a
/// race with a concurrent writer is retried from a fresh read, so a record is never half-stored and never stored twice.
/// </remarks>
public sealed class IngestService
{
    private const int MaxAttempts = 4;
    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly IObjectStore objects;
    private readonly TimeProvider clock;
    private readonly SubmissionPreparation preparation;
    private readonly int chunkSize;
    private readonly long maxLineBytes;
    private readonly LicenseDocumentIssuer? documentIssuer;
    private readonly DepartmentDirectory? departments;
    private readonly Presentation.OfflinePayloadIssuer? payloads;
    private readonly DocumentIssuance? issuance;
    private readonly IAuditTrail? audit;
    private readonly bool archiveOnIssue;

    internal IngestService(
        IDbContextFactory<RegistryDbContext> contexts,
        LicenseCatalog catalog,
        IObjectStore objects,
        TimeProvider clock,
        IOptions<IngestOptions> options,
        LicenseDocumentIssuer? documents = null,
        DepartmentDirectory? departments = null,
        Presentation.OfflinePayloadIssuer? payloads = null,
        DocumentIssuance? issuance = null,
        IAuditTrail? audit = null,
        bool archiveOnIssue = false)
    {
        this.audit = audit;
        this.archiveOnIssue = archiveOnIssue;
        this.payloads = payloads;
        this.issuance = issuance;
        this.contexts = contexts;
        documentIssuer = documents;
        this.departments = departments;
        this.objects = objects;
        this.clock = clock;
        preparation = new SubmissionPreparation(new SubmissionParser(catalog, new UsccAllowList(options.Value.UsccAllowList), clock));
        chunkSize = Math.Clamp(options.Value.BatchChunkSize, 1, 10_000);
        maxLineBytes = options.Value.MaxBodyBytes;
    }

    /// <summary>Pushes one license; a license the registry seals comes back with its documents attached.</summary>
    /// <remarks>
    /// The license is committed first (verifiable by id from then on), then its OFD and PDF are rendered and sealed outside
    /// the write transaction and attached in a second, short one. Should that fail, the result says
    /// <see cref="DocumentsState.Pending"/> and the background worker attaches them.
    /// </remarks>
    /// <exception cref="RegistryException">The license was rejected; nothing was stored.</exception>
    public async Task<IngestResult> IngestAsync(DepartmentIdentity caller, string json, CancellationToken cancellationToken = default)
    {
        var prepared = preparation.Prepare(caller, json);
        var token = Guid.NewGuid();
        var (results, jobs) = prepared.Error is not null
            ? ([IngestResult.Rejected(prepared.Error)], [])
            : await StoreAsync(caller, [prepared], token, cancellationToken);
        await RecordAsync(caller, [(prepared, results[0])], anyStored: prepared.Error is null);
        var result = results[0];
        if (result.Error is { } error)
        {
            throw error;
        }

        if (jobs.Count > 0 && issuance is not null)
        {
            // Not cancelled by a departing caller: the license is stored, and its documents are worth finishing.
            var claims = jobs.Select(j => new DocumentJobs.Claim(j.Id, j.LicenseVersionRecordId, token, 0)).ToList();
            var attached = await IssueNowAsync(claims);
            result = result with { Documents = attached ? DocumentsState.Attached : DocumentsState.Pending };
        }

        return result;
    }

    private async Task<bool> IssueNowAsync(IReadOnlyList<DocumentJobs.Claim> claims)
    {
        try
        {
            return await issuance!.IssueAsync(claims, CancellationToken.None) == claims.Count;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The database or the store failed after the commit: the job waits for the worker once its lease expires.
            return false;
        }
    }

    /// <summary>Pushes many licenses from a UTF-8 NDJSON stream, one body per line; yields a result per non-empty line as its chunk is stored.</summary>
    /// <remarks>Good records are stored even when others fail. Memory stays flat: one chunk at a time, each line bounded by <see cref="IngestOptions.MaxBodyBytes"/>.</remarks>
    public async IAsyncEnumerable<BatchLineResult> IngestBatchAsync(
        DepartmentIdentity caller,
        Stream ndjson,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var chunk = new List<PreparedSubmission>(chunkSize);
        await foreach (var line in NdjsonReader.ReadAsync(ndjson, maxLineBytes, cancellationToken))
        {
            if (line.Text is not null && string.IsNullOrWhiteSpace(line.Text))
            {
                continue;
            }

            var prepared = line.Text is null
                ? new PreparedSubmission(null, null, null, new RegistryException(RegistryErrorCodes.MalformedJson, $"Line {line.Number}: {line.Problem}."))
                : preparation.Prepare(caller, line.Text);
            chunk.Add(prepared with { Line = line.Number });
            if (chunk.Count == chunkSize)
            {
                foreach (var result in await StoreChunkAsync(caller, chunk, cancellationToken))
                {
                    yield return result;
                }

                chunk.Clear();
            }
        }

        foreach (var result in await StoreChunkAsync(caller, chunk, cancellationToken))
        {
            yield return result;
        }
    }

    private async Task<IReadOnlyList<BatchLineResult>> StoreChunkAsync(DepartmentIdentity caller, List<PreparedSubmission> chunk, CancellationToken cancellationToken)
    {
        var valid = chunk.Where(p => p.Error is null).ToList();
        var (stored, jobs) = valid.Count > 0 ? await StoreAsync(caller, valid, claimedBy: null, cancellationToken) : ([], []);
        if (jobs.Count > 0)
        {
            issuance?.NotifyQueued();
        }

        var results = new List<BatchLineResult>(chunk.Count);
        var next = 0;
        foreach (var item in chunk)
        {
            results.Add(new BatchLineResult(item.Line, item.Error is { } error ? IngestResult.Rejected(error) : stored[next++]));
        }

        await RecordAsync(caller, chunk.Zip(results, (item, line) => (item, line.Result)).ToList(), anyStored: valid.Count > 0);
        return results;
    }

    /// <summary>Audits pushes that were refused before any write; the others were audited in their own transaction.</summary>
    /// <remarks>
    /// Stored and in-transaction refusals went to the audit outbox with their rows, so the log records what was committed,
    /// never what only was attempted; appending them now keeps the log current, and a failure there is not the push's:
    /// the rows wait for the log's next pass. A caller that disconnects cancels neither.
    /// </remarks>
    private async Task RecordAsync(DepartmentIdentity caller, IReadOnlyList<(PreparedSubmission Item, IngestResult Result)> outcomes, bool anyStored)
    {
        if (audit is null || outcomes.Count == 0)
        {
            return;
        }

        var appends = outcomes.Where(o => o.Item.Error is not null)
            .Select(o => audit.AppendAsync(SubmissionPreparation.IngestEntry(caller, o.Item, o.Result), CancellationToken.None))
            .ToList();
        await Task.WhenAll(appends);
        if (anyStored)
        {
            await AuditOutbox.AppendCommittedAsync(audit);
        }
    }

    /// <summary>Stores the items in one transaction (retried whole on a lost race) and returns their results and the document jobs it queued.</summary>
    /// <param name="caller">The pushing department.</param>
    /// <param name="items">Validated items.</param>
    /// <param name="claimedBy">The token under which the caller issues the documents itself after the commit; null leaves them to the worker.</param>
    /// <param name="cancellationToken">Stops before the commit.</param>
    private async Task<(IReadOnlyList<IngestResult> Results, IReadOnlyList<DocumentJobRecord> Jobs)> StoreAsync(
        DepartmentIdentity caller, IReadOnlyList<PreparedSubmission> items, Guid? claimedBy, CancellationToken cancellationToken)
    {
        // Files first: content-addressed, so a file whose license then fails to commit is an unreferenced blob, never a partial license.
        var documents = new Dictionary<PreparedSubmission, StoredObject>();
        foreach (var item in items)
        {
            if (item.Submission!.Document is { } document)
            {
                documents[item] = await objects.PutAsync(document.Content, cancellationToken);
            }
        }

        // Whether each type's signers can seal now, once per type; pending demo seals (embedded default) are made here,
        // before the write transaction: SQLite has one writer.
        var notReady = new Dictionary<LicenseTypeCode, RegistryException?>();
        if (documentIssuer is not null && items.Any(i => i.Submission!.Document is null))
        {
            var directory = (await departments!.ListAsync(cancellationToken)).ToDictionary(d => d.Code);
            foreach (var type in items.Where(i => i.Submission!.Document is null).Select(i => i.Submission!.Type).DistinctBy(t => t.Code))
            {
                notReady[type.Code] = await documentIssuer.NotReadyAsync(type, caller.Department, directory, makeDemoSeals: true, cancellationToken);
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryStoreAsync(caller, items, documents, notReady, claimedBy, cancellationToken);
            }
            catch (Exception e) when (e is DbUpdateException or DbException { IsTransient: true } && attempt < MaxAttempts)
            {
                // Lost a race with a concurrent writer (same key), or a transient failure: re-read and retry.
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt * Random.Shared.Next(1, 5)), clock, cancellationToken);
            }
        }
    }

    /// <summary>Writes the chunk's rows, and nothing else, in one transaction: licenses, versions, serials, status-list entries, pushed files' records, document jobs, archive queue, audit outbox.</summary>
    private async Task<(IReadOnlyList<IngestResult> Results, IReadOnlyList<DocumentJobRecord> Jobs)> TryStoreAsync(
        DepartmentIdentity caller,
        IReadOnlyList<PreparedSubmission> items,
        Dictionary<PreparedSubmission, StoredObject> documents,
        Dictionary<LicenseTypeCode, RegistryException?> notReady,
        Guid? claimedBy,
        CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var issuer = caller.Code.Value;
        var now = clock.GetUtcNow().UtcDateTime;

        var numbers = items.Select(i => i.Submission!.Number).Distinct().ToList();
        var existing = await db.Licenses
            .Include(l => l.Versions)
            .Where(l => l.IssuerCode == issuer && numbers.Contains(l.Number))
            .AsSplitQuery()
            .ToListAsync(cancellationToken);
        var byKey = existing.ToDictionary(l => (l.TypeCode, l.Number), l => new StoredLicense(l));
        var serials = await SerialCounters.ReserveAsync(db, items.Select(i => i.Submission!), byKey.ContainsKey, issuer, cancellationToken);
        var fresh = new List<(LicenseSubmission Submission, LicenseVersionRecord Version)>();
        var unchanged = new Dictionary<int, LicenseVersionRecord>();

        var results = new List<IngestResult>(items.Count);
        foreach (var item in items)
        {
            var submission = item.Submission!;
            documents.TryGetValue(item, out var document);
            var content = new LicenseContent
            {
                ContentSha256 = item.ContentSha256!,
                Holder = new LicenseHolder(submission.HolderCode, submission.HolderName, submission.HolderCodeType),
                IssueDate = submission.IssueDate,
                ValidFrom = submission.ValidFrom,
                ValidUntil = submission.ValidUntil,
                ChangeReason = submission.ChangeReason,
            };

            var known = byKey.TryGetValue((submission.Type.Code, submission.Number), out var stored);
            if (document is null
                && (!known || !stored!.License.IsCurrentContent(content.ContentSha256))
                && notReady.GetValueOrDefault(submission.Type.Code) is { } refusal)
            {
                // Nothing is stored for a license its signers cannot seal; the serial stays unused.
                results.Add(IngestResult.Rejected(refusal));
                continue;
            }

            if (!known)
            {
                if (License.RefuseCreation(content.ChangeReason) is { } refused)
                {
                    results.Add(IngestResult.Rejected(refused));
                    continue;
                }

                var serial = serials.Next(submission.Type.Code, submission.IssueDate.Year);
                var created = License.Create(submission.Type.Code, caller.Code, serial, submission.Number, content, now);
                var first = VersionRecord(created.Version, item, document, issuer);
                var record = created.ToRecord(first);
                db.Licenses.Add(record);
                byKey[(record.TypeCode, record.Number)] = new StoredLicense(record, created.License);
                fresh.Add((submission, first));
                results.Add(new IngestResult(IngestOutcome.Created, first.LicenseId, first.ContentSha256, now, null) { Documents = Expected(submission) });
                continue;
            }

            var revision = stored!.License.Revise(content, now);
            if (revision.IsRefused)
            {
                results.Add(IngestResult.Rejected(revision.Refusal));
            }
            else if (revision.Outcome == RevisionOutcome.Unchanged)
            {
                unchanged[results.Count] = stored.Record.Versions.Single(v => v.Version == revision.Version.Number);
                results.Add(new IngestResult(IngestOutcome.Unchanged, revision.Version.Id, revision.Version.ContentSha256, revision.Version.StoredAtUtc, null));
            }
            else
            {
                var added = VersionRecord(revision.Version, item, document, issuer);
                stored.Record.Apply(stored.License, revision, added);
                fresh.Add((submission, added));
                results.Add(new IngestResult(IngestOutcome.NewVersion, added.LicenseId, added.ContentSha256, now, null) { Documents = Expected(submission) });
            }
        }

        await DescribeUnchangedAsync(db, results, unchanged, cancellationToken);

        // Status-list entries and QR payloads for the new versions, in this transaction (the payload names the entry).
        if (payloads is not null)
        {
            await payloads.PrepareAsync(db, fresh.Select(f => (byKey[(f.Submission.Type.Code, f.Submission.Number)].Record, f.Version)).ToList(), now, cancellationToken);
        }

        AttachPushedDocuments(fresh, now);
        var jobs = new List<DocumentJobRecord>();
        foreach (var (_, version) in fresh.Where(f => ToIssue(f.Submission)))
        {
            // Rendering and sealing happen after this commit; the job makes sure they do, whatever stops in between.
            jobs.Add(DocumentJobs.Add(db, version, now, claimedBy, issuance?.JobLease ?? IssuanceOptions.DefaultJobLease));
        }

        if (archiveOnIssue)
        {
            // 办结即归档: the package is queued in this transaction, so no stored version can miss its archive; one the
            // registry seals is queued with its documents.
            db.ArchiveOutbox.AddRange(fresh.Where(f => !ToIssue(f.Submission))
                .Select(f => Archiving.ArchiveQueue.Entry(f.Version.LicenseId.ToString(), Archiving.ArchiveQueue.Issued, string.Empty, now)));
        }

        if (audit is not null)
        {
            // The events go with the rows they record: both are committed, or neither.
            for (var i = 0; i < items.Count; i++)
            {
                AuditOutbox.Add(db, SubmissionPreparation.IngestEntry(caller, items[i], results[i]), now);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (results, jobs);
    }

    /// <summary>Whether the registry renders and seals this submission's documents (it carried no file of its own).</summary>
    private bool ToIssue(LicenseSubmission submission) => documentIssuer is not null && issuance is not null && submission.Document is null;

    /// <summary>Where a new version's documents stand when its row commits.</summary>
    private DocumentsState Expected(LicenseSubmission submission) =>
        submission.Document is not null ? DocumentsState.Attached : ToIssue(submission) ? DocumentsState.Pending : DocumentsState.None;

    /// <summary>For re-pushes that changed nothing: whether the stored version's documents are attached or still waited for.</summary>
    private async Task DescribeUnchangedAsync(RegistryDbContext db, List<IngestResult> results, Dictionary<int, LicenseVersionRecord> unchanged, CancellationToken cancellationToken)
    {
        if (unchanged.Count == 0)
        {
            return;
        }

        var ids = unchanged.Values.Select(v => v.Id).ToList();
        var waiting = (await db.DocumentJobs.Where(j => ids.Contains(j.LicenseVersionRecordId)).Select(j => j.LicenseVersionRecordId).ToListAsync(cancellationToken)).ToHashSet();
        var attached = (await db.LicenseDocuments.Where(d => ids.Contains(d.LicenseVersionRecordId)).Select(d => d.LicenseVersionRecordId).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        foreach (var (index, version) in unchanged)
        {
            var state = waiting.Contains(version.Id) ? DocumentsState.Pending : attached.Contains(version.Id) ? DocumentsState.Attached : DocumentsState.None;
            results[index] = results[index] with { Documents = state };
        }
    }

    /// <summary>Records each new version's pushed file as received; registry-sealed documents come after the commit.</summary>
    private static void AttachPushedDocuments(List<(LicenseSubmission Submission, LicenseVersionRecord Version)> fresh, DateTime now)
    {
        foreach (var (submission, version) in fresh.Where(f => f.Submission.Document is not null))
        {
            var document = submission.Document!;
            version.Documents.Add(new LicenseDocumentRecord
            {
                Format = document.Format,
                Origin = DocumentOrigin.Pushed,
                Sha256 = version.SourceDocumentSha256!,
                Sm3 = Convert.ToHexStringLower(Seals.Pki.Sm3.Hash(document.Content)),
                Length = document.Content.Length,
                Signers = string.Empty,
                CreatedAtUtc = now,
            });
        }
    }

    /// <summary>The row of a version the aggregate made, with the pushed file (if any) that the rules do not keep.</summary>
    private static LicenseVersionRecord VersionRecord(LicenseVersion version, PreparedSubmission item, StoredObject? document, string pushedBy)
    {
        var record = version.ToRecord(item.DataJson!, pushedBy);
        record.SourceDocumentSha256 = document?.Sha256;
        record.SourceDocumentFormat = document is null ? null : item.Submission!.Document!.Format;
        record.SourceDocumentLength = document?.Length;
        return record;
    }

    /// <summary>A license row of the chunk and its aggregate, rebuilt from the row when first asked for.</summary>
    private sealed class StoredLicense(LicenseRecord record, License? license = null)
    {
        public LicenseRecord Record { get; } = record;

        public License License => license ??= Record.ToLicense();
    }

}
