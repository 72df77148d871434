using ElectronicLicense.Licenses.Lifecycle;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
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
    private readonly SubmissionParser parser;
    private readonly int chunkSize;
    private readonly long maxLineBytes;
    private readonly LicenseDocumentIssuer? documentIssuer;
    private readonly DepartmentDirectory? departments;
    private readonly Presentation.OfflinePayloadIssuer? payloads;
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
        IAuditTrail? audit = null,
        bool archiveOnIssue = false)
    {
        this.audit = audit;
        this.archiveOnIssue = archiveOnIssue;
        this.payloads = payloads;
        this.contexts = contexts;
        documentIssuer = documents;
        this.departments = departments;
        this.objects = objects;
        this.clock = clock;
        parser = new SubmissionParser(catalog, new UsccAllowList(options.Value.UsccAllowList), clock);
        chunkSize = Math.Clamp(options.Value.BatchChunkSize, 1, 10_000);
        maxLineBytes = options.Value.MaxBodyBytes;
    }

    /// <summary>Pushes one license.</summary>
    /// <exception cref="RegistryException">The license was rejected; nothing was stored.</exception>
    public async Task<IngestResult> IngestAsync(DepartmentIdentity caller, string json, CancellationToken cancellationToken = default)
    {
        var prepared = Prepare(caller, json);
        var result = prepared.Error is not null
            ? IngestResult.Rejected(prepared.Error)
            : (await StoreAsync(caller, [prepared], cancellationToken))[0];
        await RecordAsync(caller, [(prepared, result)], anyStored: prepared.Error is null);
        return result.Error is { } error ? throw error : result;
    }

    /// <summary>Pushes many licenses from a UTF-8 NDJSON stream, one body per line; yields a result per non-empty line as its chunk is stored.</summary>
    /// <remarks>Good records are stored even when others fail. Memory stays flat: one chunk at a time, each line bounded by <see cref="IngestOptions.MaxBodyBytes"/>.</remarks>
    public async IAsyncEnumerable<BatchLineResult> IngestBatchAsync(
        DepartmentIdentity caller,
        Stream ndjson,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var chunk = new List<Prepared>(chunkSize);
        await foreach (var line in NdjsonReader.ReadAsync(ndjson, maxLineBytes, cancellationToken))
        {
            if (line.Text is not null && string.IsNullOrWhiteSpace(line.Text))
            {
                continue;
            }

            var prepared = line.Text is null
                ? new Prepared(null, null, null, new RegistryException(RegistryErrorCodes.MalformedJson, $"Line {line.Number}: {line.Problem}."))
                : Prepare(caller, line.Text);
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

    private async Task<IReadOnlyList<BatchLineResult>> StoreChunkAsync(DepartmentIdentity caller, List<Prepared> chunk, CancellationToken cancellationToken)
    {
        var valid = chunk.Where(p => p.Error is null).ToList();
        var stored = valid.Count > 0 ? await StoreAsync(caller, valid, cancellationToken) : [];
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
    private async Task RecordAsync(DepartmentIdentity caller, IReadOnlyList<(Prepared Item, IngestResult Result)> outcomes, bool anyStored)
    {
        if (audit is null || outcomes.Count == 0)
        {
            return;
        }

        var appends = outcomes.Where(o => o.Item.Error is not null)
            .SelectMany(o => Entries(caller, o.Item, o.Result))
            .Select(entry => audit.AppendAsync(entry, CancellationToken.None))
            .ToList();
        await Task.WhenAll(appends);
        if (anyStored)
        {
            await AuditOutbox.AppendCommittedAsync(audit);
        }
    }

    /// <summary>A <c>license.ingest</c> event per pushed license (and <c>license.issue</c> when the registry sealed its documents), rejected ones included.</summary>
    private IEnumerable<AuditEntry> Entries(DepartmentIdentity caller, Prepared item, IngestResult result)
    {
        var submission = item.Submission;
        var outcome = result.Error is null ? AuditOutcome.Success : result.Error.Code == RegistryErrorCodes.NotAuthorised ? AuditOutcome.Denied : AuditOutcome.Failed;
        var entry = caller.Entry(AuditActions.Ingest, outcome) with
        {
            HolderCode = submission?.HolderCode,
            LicenseId = result.LicenseId?.Value,
            TypeCode = submission?.Type.Code.Value,
            Detail = result.Error is { } error ? "rejected " + error.Code : Outcome(result.Outcome),
        };
        yield return entry;
        if (documentIssuer is not null && submission is { Document: null } && result.Outcome is IngestOutcome.Created or IngestOutcome.NewVersion)
        {
            yield return entry with { Action = AuditActions.Issue, Detail = "sealed ofd pdf" };
        }
    }

    private static string Outcome(IngestOutcome outcome) => outcome switch
    {
        IngestOutcome.Created => "created",
        IngestOutcome.NewVersion => "new-version",
        _ => "unchanged",
    };

    private Prepared Prepare(DepartmentIdentity caller, string json)
    {
        try
        {
            var body = SubmissionParser.ReadJson(json);
            var submission = parser.Parse(body);
            Authorize(caller, submission, body);
            submission.IssuerCode = caller.Code;
            var data = LicenseData.Build(submission, caller.Department.Name);
            var documentSha256 = submission.Document is { } document ? Convert.ToHexStringLower(SHA256.HashData(document.Content)) : null;
            return new Prepared(submission, LicenseData.Serialize(data), LicenseData.ContentHash(data, documentSha256), null);
        }
        catch (RegistryException e)
        {
            return new Prepared(null, null, null, e);
        }
    }

    private static void Authorize(DepartmentIdentity caller, LicenseSubmission submission, Newtonsoft.Json.Linq.JObject body)
    {
        var claimed = (string?)body[MetadataNames.IssuerCode];
        if (claimed is not null && !string.Equals(claimed, caller.Code.Value, StringComparison.OrdinalIgnoreCase))
        {
            throw new RegistryException(RegistryErrorCodes.NotAuthorised,
                "颁发机构代码 names another department: a department may push only the licenses it issues.",
                [new FieldError("/" + MetadataNames.IssuerCode, "must be the pushing department's own 统一社会信用代码")]);
        }

        if (caller.Role != DepartmentRole.Issuer || !submission.Type.IsIssuer(caller.Code))
        {
            var pointer = "/" + (claimed is null ? MetadataNames.TypeCode : MetadataNames.IssuerCode);
            throw new RegistryException(RegistryErrorCodes.NotAuthorised,
                $"The department is not an authorised issuer of {submission.Type.Name} ({submission.Type.Code}).",
                [new FieldError(pointer, $"the catalog does not list this department among the issuers of {submission.Type.Code}")]);
        }
    }

    private async Task<IReadOnlyList<IngestResult>> StoreAsync(DepartmentIdentity caller, IReadOnlyList<Prepared> items, CancellationToken cancellationToken)
    {
        // Files first: content-addressed, so a file whose license then fails to commit is an unreferenced blob, never a partial license.
        var documents = new Dictionary<Prepared, StoredObject>();
        foreach (var item in items)
        {
            if (item.Submission!.Document is { } document)
            {
                documents[item] = await objects.PutAsync(document.Content, cancellationToken);
            }
        }

        if (documentIssuer is not null && items.Any(i => i.Submission!.Document is null))
        {
            // Pending demo seals (embedded default) are made here, before the write transaction: SQLite has one writer.
            var directory = (await departments!.ListAsync(cancellationToken)).ToDictionary(d => d.Code);
            foreach (var type in items.Where(i => i.Submission!.Document is null).Select(i => i.Submission!.Type).Distinct())
            {
                await documentIssuer.NotReadyAsync(type, caller.Department, directory, makeDemoSeals: true, cancellationToken);
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryStoreAsync(caller, items, documents, cancellationToken);
            }
            catch (Exception e) when (e is DbUpdateException or DbException { IsTransient: true } && attempt < MaxAttempts)
            {
                // Lost a race with a concurrent writer (same key), or a transient failure: re-read and retry.
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt * Random.Shared.Next(1, 5)), clock, cancellationToken);
            }
        }
    }

    private async Task<IReadOnlyList<IngestResult>> TryStoreAsync(
        DepartmentIdentity caller,
        IReadOnlyList<Prepared> items,
        Dictionary<Prepared, StoredObject> documents,
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
        var serials = await ReserveSerialsAsync(db, items, byKey, issuer, cancellationToken);
        var directory = documentIssuer is null ? null : (await departments!.ListAsync(cancellationToken)).ToDictionary(d => d.Code);
        var fresh = new List<(LicenseSubmission Submission, LicenseVersionRecord Version)>();

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
            if (document is null && directory is not null
                && (!known || !stored!.License.IsCurrentContent(content.ContentSha256))
                && await documentIssuer!.NotReadyAsync(submission.Type, caller.Department, directory, makeDemoSeals: false, cancellationToken) is { } notReady)
            {
                // Nothing is stored for a license its signers cannot seal; the serial stays unused.
                results.Add(IngestResult.Rejected(notReady));
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
                results.Add(new IngestResult(IngestOutcome.Created, first.LicenseId, first.ContentSha256, now, null));
                continue;
            }

            var revision = stored!.License.Revise(content, now);
            if (revision.IsRefused)
            {
                results.Add(IngestResult.Rejected(revision.Refusal));
            }
            else if (revision.Outcome == RevisionOutcome.Unchanged)
            {
                results.Add(new IngestResult(IngestOutcome.Unchanged, revision.Version.Id, revision.Version.ContentSha256, revision.Version.StoredAtUtc, null));
            }
            else
            {
                var added = VersionRecord(revision.Version, item, document, issuer);
                stored.Record.Apply(stored.License, revision, added);
                fresh.Add((submission, added));
                results.Add(new IngestResult(IngestOutcome.NewVersion, added.LicenseId, added.ContentSha256, now, null));
            }
        }

        // Status-list entries and QR payloads for the new versions, in this transaction (the payload names the entry).
        var offline = payloads is null ? null : await payloads.PrepareAsync(
            db, fresh.Select(f => (byKey[(f.Submission.Type.Code, f.Submission.Number)].Record, f.Version)).ToList(), now, cancellationToken);
        await AttachDocumentsAsync(caller, fresh, directory, now, offline, cancellationToken);
        if (archiveOnIssue)
        {
            // 办结即归档: the package is queued in this transaction, so no stored version can miss its archive.
            db.ArchiveOutbox.AddRange(fresh.Select(f => Archiving.ArchiveQueue.Entry(f.Version.LicenseId.ToString(), Archiving.ArchiveQueue.Issued, string.Empty, now)));
        }

        if (audit is not null)
        {
            // The events go with the rows they record: both are committed, or neither.
            for (var i = 0; i < items.Count; i++)
            {
                foreach (var entry in Entries(caller, items[i], results[i]))
                {
                    AuditOutbox.Add(db, entry, now);
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    /// <summary>Records each new version's documents: a pushed file as received, otherwise the OFD and the PDF rendered and sealed now.</summary>
    /// <remarks>Runs inside the chunk's transaction, so a license is never stored without its document; files are content-addressed, so a rolled-back chunk leaves only unreferenced blobs.</remarks>
    private async Task AttachDocumentsAsync(
        DepartmentIdentity caller,
        List<(LicenseSubmission Submission, LicenseVersionRecord Version)> fresh,
        Dictionary<UnifiedSocialCreditCode, Department>? directory,
        DateTime now,
        IReadOnlyDictionary<LicenseVersionRecord, string>? offline,
        CancellationToken cancellationToken)
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

        if (documentIssuer is null || directory is null)
        {
            return;
        }

        var toIssue = fresh.Where(f => f.Submission.Document is null).ToList();
        var issued = new IReadOnlyList<LicenseDocumentRecord>[toIssue.Count];
        var at = new DateTimeOffset(now, TimeSpan.Zero);

        // Rendering and signing (SM2 for the OFD, ECDSA for the PDF) are CPU-bound and independent per license.
        await Parallel.ForEachAsync(Enumerable.Range(0, toIssue.Count), new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = Environment.ProcessorCount,
        }, async (i, token) =>
        {
            var (submission, version) = toIssue[i];
            var payload = offline?.GetValueOrDefault(version) ?? LicenseDocumentIssuer.VerificationPayload(version.LicenseId);
            issued[i] = await documentIssuer.IssueAsync(submission.Type, caller.Department, directory, version.LicenseId, version.DataJson, at, payload, token);
        });
        for (var i = 0; i < toIssue.Count; i++)
        {
            toIssue[i].Version.Documents.AddRange(issued[i]);
        }
    }

    /// <summary>The row of a version the aggregate made, with the pushed file (if any) that the rules do not keep.</summary>
    private static LicenseVersionRecord VersionRecord(LicenseVersion version, Prepared item, StoredObject? document, string pushedBy)
    {
        var record = version.ToRecord(item.DataJson!, pushedBy);
        record.SourceDocumentSha256 = document?.Sha256;
        record.SourceDocumentFormat = document is null ? null : item.Submission!.Document!.Format;
        record.SourceDocumentLength = document?.Length;
        return record;
    }

    /// <summary>Reserves, per type and year, one serial for every license of the chunk that will be created.</summary>
    /// <remarks>
    /// <c>UPDATE … RETURNING</c> increments the counter atomically and holds its row lock until commit, so concurrent
    /// writers queue instead of failing; a rolled-back chunk releases its block with it. Serials are
    /// <c>{year}{sequence:000000}</c>; gaps are possible when a concurrent duplicate loses, as with any sequence.
    /// The SQL is the common subset of SQLite (3.35+) and PostgreSQL.
    /// </remarks>
    private static async Task<SerialBlocks> ReserveSerialsAsync(
        RegistryDbContext db,
        IReadOnlyList<Prepared> items,
        Dictionary<(LicenseTypeCode, string), StoredLicense> existing,
        string issuer,
        CancellationToken cancellationToken)
    {
        var created = new HashSet<(LicenseTypeCode, string)>();
        var needed = new Dictionary<(LicenseTypeCode Type, int Year), int>();
        foreach (var submission in items.Select(i => i.Submission!))
        {
            var key = (submission.Type.Code, submission.Number);
            if (License.RefuseCreation(submission.ChangeReason) is null && !existing.ContainsKey(key) && created.Add(key))
            {
                needed[(submission.Type.Code, submission.IssueDate.Year)] = needed.GetValueOrDefault((submission.Type.Code, submission.IssueDate.Year)) + 1;
            }
        }

        var blocks = new SerialBlocks();
        // A fixed lock order: two chunks needing the same two counters can never deadlock.
        foreach (var ((type, year), count) in needed.OrderBy(n => n.Key.Type.Value, StringComparer.Ordinal).ThenBy(n => n.Key.Year))
        {
            var code = type.Value;
            await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO serial_counters ("TypeCode", "IssuerCode", "Year", "Next") VALUES ({code}, {issuer}, {year}, 1) ON CONFLICT DO NOTHING""",
                cancellationToken);
            var next = (await db.Database.SqlQuery<long>(
                $"""UPDATE serial_counters SET "Next" = "Next" + {count} WHERE "TypeCode" = {code} AND "IssuerCode" = {issuer} AND "Year" = {year} RETURNING "Next" AS "Value" """)
                .ToListAsync(cancellationToken)).Single();
            blocks.Add(type, year, next - count);
        }

        return blocks;
    }

    /// <summary>The serials a chunk reserved, handed out in order.</summary>
    private sealed class SerialBlocks
    {
        private readonly Dictionary<(LicenseTypeCode, int), long> next = [];

        public void Add(LicenseTypeCode type, int year, long first) => next[(type, year)] = first;

        public string Next(LicenseTypeCode type, int year)
        {
            var sequence = next[(type, year)]++;
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{year:0000}{sequence:000000}");
        }
    }

    /// <summary>A license row of the chunk and its aggregate, rebuilt from the row when first asked for.</summary>
    private sealed class StoredLicense(LicenseRecord record, License? license = null)
    {
        public LicenseRecord Record { get; } = record;

        public License License => license ??= Record.ToLicense();
    }

    private sealed record Prepared(LicenseSubmission? Submission, string? DataJson, string? ContentSha256, RegistryException? Error)
    {
        public int Line { get; init; }
    }
}
