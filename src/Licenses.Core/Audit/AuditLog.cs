using System.Data;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Subtree = ElectronicLicense.Licenses.Audit.MerkleProofBuilder.Subtree;

namespace ElectronicLicense.Licenses.Audit;

/// <summary>One stored event with its leaf bytes, for administrators and offline proof checks.</summary>
/// <param name="Index">Leaf index.</param>
/// <param name="AtUtc">When the log appended it.</param>
/// <param name="Leaf">The leaf bytes (canonical JSON), base64.</param>
/// <param name="LeafHash">SHA-256(0x00 ‖ leaf), lower-case hex.</param>
/// <param name="Entry">The readable entry, personal fields included.</param>
public sealed record AuditEventView(long Index, DateTimeOffset AtUtc, string Leaf, string LeafHash, AuditEntry Entry);

/// <summary>The tamper-evident audit log (用证留痕): an RFC 9162 Merkle tree over event leaves, with signed tree heads and proofs.</summary>
/// <remarks>
/// <para>Appends are group-committed: callers queue, one writer commits up to <see cref="AuditOptions.MaxBatchSize"/> events in one
/// transaction (events, readable details, completed subtree heads, and records stored with their event, such as 核验 receipts) and completes each caller with its index once the batch is durable.
/// A crash loses only uncommitted batches, whose callers never got an answer. Rows are only inserted, never updated or deleted.</para>
/// <para>Services that change the registry write their events to the <see cref="AuditOutbox"/> in their own transaction; each
/// commit here also claims the outbox's waiting events, appends them first and deletes their rows, in the same transaction.</para>
/// <para>Several processes may share one database: each commit holds the database's log lock (SQLite's write lock, an
/// application lock on the servers) and continues from the tree as stored, so every process extends one log.</para>
/// <para>On start the stored tree is checked cheaply: the last events' leaves against their hashes, the latest tree head's root
/// against the stored subtrees and its signature.</para>
/// </remarks>
public sealed class AuditLog : IAuditTrail, IAsyncDisposable, IDisposable
{
    private const int VerifyTailOnStart = 64;
    private const int RowsPerStatement = 200;
    private const int MaxCommitAttempts = 5;

    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly AuditKeys keys;
    private readonly TimeProvider clock;
    private readonly AuditOptions options;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim startLock = new(1, 1);
    private readonly SemaphoreSlim headLock = new(1, 1);
    private MerkleFrontier frontier = new();
    private volatile Committed? committed;
    private volatile SignedTreeHead? latest;
    private Task? writer;
    private ITimer? timer;

    internal AuditLog(IDbContextFactory<RegistryDbContext> contexts, AuditKeys keys, TimeProvider clock, IOptions<AuditOptions> options)
    {
        this.contexts = contexts;
        this.keys = keys;
        this.clock = clock;
        this.options = options.Value;
    }

    private sealed record Committed(long Size, byte[] Root);

    /// <summary>An event to append with an optional record stored beside it, (no event) a record alone, such as a tree head, or (neither) a request to append the outbox.</summary>
    private sealed record Pending(AuditEntry? Entry, object? Companion, TaskCompletionSource<AuditedEvent?> Completion);

    /// <summary>The tree-head key's public half, PEM SubjectPublicKeyInfo.</summary>
    public string PublicKeyPem => keys.PublicKeyPem;

    /// <summary>The tree-head key's id: hex SHA-256 of its SubjectPublicKeyInfo.</summary>
    public string KeyId => keys.KeyId;

    /// <inheritdoc/>
    public Task<AuditedEvent> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
        EnqueueAsync(entry, companion: null, cancellationToken);

    /// <summary>Appends an event and stores <paramref name="companion"/>, an entity of the registry model, in the same transaction.</summary>
    /// <remarks>
    /// Both are durable, or neither, when this completes: a service that must store a record and audit it (a 核验 receipt)
    /// needs one commit instead of two, and the log stays the database's only group-commit writer, so the two never
    /// contend for SQLite's single write lock.
    /// </remarks>
    internal Task<AuditedEvent> AppendWithAsync(AuditEntry entry, object companion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(companion);
        return EnqueueAsync(entry, companion, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task AppendOutboxAsync(CancellationToken cancellationToken = default)
    {
        await EnsureStartedAsync(cancellationToken);
        await QueueAsync(new Pending(null, null, new TaskCompletionSource<AuditedEvent?>(TaskCreationOptions.RunContinuationsAsynchronously)), cancellationToken);
    }

    /// <summary>Loads and checks the stored tree and starts the writer, if not yet done.</summary>
    /// <exception cref="InvalidOperationException">The stored log was altered or damaged.</exception>
    internal Task StartAsync(CancellationToken cancellationToken = default) => EnsureStartedAsync(cancellationToken);

    private async Task<AuditedEvent> EnqueueAsync(AuditEntry entry, object? companion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.Action);
        await EnsureStartedAsync(cancellationToken);
        return (await QueueAsync(new Pending(entry, companion, new TaskCompletionSource<AuditedEvent?>(TaskCreationOptions.RunContinuationsAsynchronously)), cancellationToken))!;
    }

    private async Task<AuditedEvent?> QueueAsync(Pending pending, CancellationToken cancellationToken)
    {
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(AuditLog));
        }

        // Cancelling stops the wait, not the append: once queued the event is committed with its batch.
        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditedEvent>> ForHolderAsync(string holderCode, int skip, int take, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(holderCode);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await (
                from d in db.AuditDetails
                where d.HolderCode == holderCode
                orderby d.Index descending
                join e in db.AuditEvents on d.Index equals e.Index
                select new { Detail = d, Event = e })
            .Skip(skip).Take(take).ToListAsync(cancellationToken);
        return rows.Select(r => ToEvent(r.Event, r.Detail)).ToArray();
    }

    /// <summary>The number of committed events.</summary>
    public async Task<long> SizeAsync(CancellationToken cancellationToken = default) => (await StoredAsync(cancellationToken)).Size;

    /// <summary>A tree head for the log as committed now: the latest signed one if the log has not grown since, else a freshly signed one.</summary>
    public async Task<SignedTreeHead> LatestTreeHeadAsync(CancellationToken cancellationToken = default)
    {
        var current = await StoredAsync(cancellationToken);
        if (latest is { } head && head.TreeSize == current.Size)
        {
            return head;
        }

        await headLock.WaitAsync(cancellationToken);
        try
        {
            if (latest is { } again && again.TreeSize >= current.Size)
            {
                return again;
            }

            // Another process sharing the database may have signed this size already.
            if (await TreeHeadAsync(current.Size, cancellationToken) is { } signedElsewhere)
            {
                latest = signedElsewhere;
                return signedElsewhere;
            }

            var timestamp = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var signature = keys.SigningKey.SignData(
                SignedTreeHead.SignedData(current.Size, timestamp, current.Root), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            // Stored by the log's writer, in its next batch: a second writer would contend with it for SQLite's write lock.
            var record = new AuditTreeHeadRecord
            {
                TreeSize = current.Size, TimestampUnixMs = timestamp, RootHash = current.Root, KeyId = keys.KeyId, Signature = signature,
            };
            await QueueAsync(new Pending(null, record, new TaskCompletionSource<AuditedEvent?>(TaskCreationOptions.RunContinuationsAsynchronously)), cancellationToken);

            var signed = ToTreeHead(current.Size, timestamp, current.Root, keys.KeyId, signature);
            latest = signed;
            return signed;
        }
        finally
        {
            headLock.Release();
        }
    }

    /// <summary>The tree head signed for exactly <paramref name="treeSize"/> events, or null when none was.</summary>
    public async Task<SignedTreeHead?> TreeHeadAsync(long treeSize, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.AuditTreeHeads.AsNoTracking().FirstOrDefaultAsync(h => h.TreeSize == treeSize, cancellationToken);
        return record is null ? null : ToTreeHead(record.TreeSize, record.TimestampUnixMs, record.RootHash, record.KeyId, record.Signature);
    }

    /// <summary>The audit path of leaf <paramref name="leafIndex"/> in the tree of the first <paramref name="treeSize"/> events (RFC 9162 §2.1.3).</summary>
    /// <exception cref="RegistryException">An index or size outside the committed log (<see cref="RegistryErrorCodes.InvalidParameter"/>).</exception>
    public async Task<InclusionProof> InclusionProofAsync(long leafIndex, long treeSize, CancellationToken cancellationToken = default)
    {
        var size = (await StoredAsync(cancellationToken)).Size;
        if (treeSize < 1 || treeSize > size)
        {
            throw Invalid("treeSize", $"treeSize must be between 1 and the log's size {size}, got {treeSize}.");
        }

        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            throw Invalid("index", $"index must be between 0 and treeSize − 1 ({treeSize - 1}), got {leafIndex}.");
        }

        var path = await MerkleProofBuilder.ResolveAsync(MerkleProofBuilder.InclusionRanges(leafIndex, treeSize), LookupAsync, cancellationToken);
        return new InclusionProof { LeafIndex = leafIndex, TreeSize = treeSize, AuditPath = path.Select(Convert.ToHexStringLower).ToArray() };
    }

    /// <summary>The proof that the tree of <paramref name="second"/> events extends the tree of <paramref name="first"/> (RFC 9162 §2.1.4).</summary>
    /// <exception cref="RegistryException">A size outside the committed log or first &gt; second (<see cref="RegistryErrorCodes.InvalidParameter"/>).</exception>
    public async Task<ConsistencyProof> ConsistencyProofAsync(long first, long second, CancellationToken cancellationToken = default)
    {
        var size = (await StoredAsync(cancellationToken)).Size;
        if (second < 0 || second > size)
        {
            throw Invalid("second", $"second must be between 0 and the log's size {size}, got {second}.");
        }

        if (first < 0 || first > second)
        {
            throw Invalid("first", $"first must be between 0 and second ({second}), got {first}.");
        }

        var proof = await MerkleProofBuilder.ResolveAsync(MerkleProofBuilder.ConsistencyRanges(first, second), LookupAsync, cancellationToken);
        return new ConsistencyProof { First = first, Second = second, Proof = proof.Select(Convert.ToHexStringLower).ToArray() };
    }

    /// <summary>One stored event with its leaf bytes and readable entry, or null when there is none at that index.</summary>
    public async Task<AuditEventView?> EventAsync(long index, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.AuditEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Index == index, cancellationToken);
        if (record is null)
        {
            return null;
        }

        var detail = await db.AuditDetails.AsNoTracking().FirstOrDefaultAsync(d => d.Index == index, cancellationToken);
        var stored = ToEvent(record, detail);
        return new AuditEventView(index, stored.AtUtc, Convert.ToBase64String(record.Leaf), stored.LeafHash, stored.Entry);
    }

    /// <summary>Every stored event about one of <paramref name="licenseIds"/> (the 证照标识 of a license's versions), oldest first, as the leaves hold them: personal fields only as salted hashes.</summary>
    internal async Task<IReadOnlyList<AuditEventView>> ForLicenseAsync(IReadOnlyCollection<string> licenseIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(licenseIds);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var records = await db.AuditEvents.AsNoTracking()
            .Where(e => e.LicenseId != null && licenseIds.Contains(e.LicenseId))
            .OrderBy(e => e.Index)
            .ToListAsync(cancellationToken);
        return records.Select(r => (Record: r, Event: ToEvent(r, detail: null)))
            .Select(x => new AuditEventView(x.Event.Index, x.Event.AtUtc, Convert.ToBase64String(x.Record.Leaf), x.Event.LeafHash, x.Event.Entry))
            .ToArray();
    }

    /// <summary>The log as stored now: where several processes share the database, another may have appended since this one last committed.</summary>
    private async Task<Committed> StoredAsync(CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken);
        var local = committed!;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var size = (await db.AuditEvents.MaxAsync(e => (long?)e.Index, cancellationToken) ?? -1) + 1;
        return size <= local.Size ? local : new Committed(size, await RootAtAsync(size, cancellationToken));
    }

    /// <summary>MTH of the first <paramref name="treeSize"/> committed events, from the stored subtrees.</summary>
    internal async Task<byte[]> RootAtAsync(long treeSize, CancellationToken cancellationToken = default)
    {
        if (treeSize == 0)
        {
            return MerkleTree.EmptyRoot();
        }

        var parts = MerkleProofBuilder.Decompose(0, treeSize);
        return MerkleProofBuilder.Fold(parts, await LookupAsync(parts, cancellationToken));
    }

    /// <summary>Appends what waits in the outbox, stops taking events, commits those queued and stops the tree-head timer.</summary>
    public async ValueTask DisposeAsync()
    {
        if (committed is not null)
        {
            try
            {
                await AppendOutboxAsync();
            }
            catch (Exception)
            {
                // Whatever kept them from the log, the rows wait in the outbox for the next start.
            }
        }

        if (!queue.Writer.TryComplete())
        {
            return;
        }

        if (timer is not null)
        {
            await timer.DisposeAsync();
        }

        if (writer is not null)
        {
            await writer;
        }

        keys.Dispose();
    }

    /// <summary>As <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (committed is not null)
        {
            return;
        }

        await startLock.WaitAsync(cancellationToken);
        try
        {
            if (committed is not null)
            {
                return;
            }

            await LoadAsync(cancellationToken);
            writer = StartWriter();
            timer = clock.CreateTimer(_ => _ = SignIfGrownAsync(), null, options.TreeHeadInterval, options.TreeHeadInterval);
        }
        finally
        {
            startLock.Release();
        }
    }

    private async Task SignIfGrownAsync()
    {
        try
        {
            if (committed is { } current && (latest?.TreeSize ?? -1) < current.Size)
            {
                await LatestTreeHeadAsync();
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or ObjectDisposedException)
        {
            // The next tick or the next request for the latest head tries again.
        }
    }

    /// <summary>Rebuilds the right edge of the stored tree (one subtree head per level) from the database.</summary>
    private async Task<long> LoadFrontierAsync(RegistryDbContext db, CancellationToken cancellationToken)
    {
        var size = (await db.AuditEvents.MaxAsync(e => (long?)e.Index, cancellationToken) ?? -1) + 1;
        var parts = MerkleProofBuilder.Decompose(0, size);
        var found = parts.Count == 0 ? new Dictionary<Subtree, byte[]>() : await LookupAsync(parts, cancellationToken);
        frontier = MerkleFrontier.FromSubtrees(size, parts.ToDictionary(p => p.Level, p => found.TryGetValue(p, out var h)
            ? h
            : throw new InvalidOperationException($"Audit log: the subtree {p.Level}/{p.Index} of the stored tree is missing; the log is damaged.")));
        return size;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var size = await LoadFrontierAsync(db, cancellationToken);

        // The last events must still hash to what the tree was built from.
        var tail = await db.AuditEvents.AsNoTracking().Where(e => e.Index >= size - VerifyTailOnStart).OrderBy(e => e.Index).ToListAsync(cancellationToken);
        var leafNodes = tail.Count == 0 ? new Dictionary<Subtree, byte[]>() : await LookupAsync(tail.Select(e => new Subtree(0, e.Index)).ToArray(), cancellationToken);
        foreach (var e in tail)
        {
            var hash = MerkleTree.LeafHash(e.Leaf);
            if (!hash.AsSpan().SequenceEqual(e.LeafHash) || !leafNodes.TryGetValue(new Subtree(0, e.Index), out var node) || !hash.AsSpan().SequenceEqual(node))
            {
                throw new InvalidOperationException($"Audit log: event {e.Index} no longer matches its leaf hash; the log was altered.");
            }
        }

        // The latest signed head must still be the root of the stored tree at its size.
        var head = await db.AuditTreeHeads.AsNoTracking().OrderByDescending(h => h.TreeSize).FirstOrDefaultAsync(cancellationToken);
        if (head is not null)
        {
            var signed = ToTreeHead(head.TreeSize, head.TimestampUnixMs, head.RootHash, head.KeyId, head.Signature);
            if (head.TreeSize > size
                || !(await RootAtAsync(head.TreeSize, cancellationToken)).AsSpan().SequenceEqual(head.RootHash)
                || (head.KeyId == keys.KeyId && !signed.VerifySignature(keys.SigningKey)))
            {
                throw new InvalidOperationException($"Audit log: the stored tree no longer matches the tree head signed at size {head.TreeSize}; the log was altered.");
            }

            latest = signed;
        }

        committed = new Committed(size, frontier.Root());
    }

    // The writer owns a thread: Microsoft.Data.Sqlite runs its "async" calls synchronously, so a pool thread would be held
    // through every commit and fsync, taking a core's worth of request processing from a small machine.
    private Task StartWriter()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            WriteLoop();
            done.TrySetResult();
        })
        {
            IsBackground = true,
            Name = "audit log writer",
        }.Start();
        return done.Task;
    }

    private void WriteLoop()
    {
        var batch = new List<Pending>(options.MaxBatchSize);
        var flushes = new List<Pending>();
        while (flushes.Count > 0 || queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < options.MaxBatchSize && queue.Reader.TryRead(out var item))
            {
                (item is { Entry: null, Companion: null } ? flushes : batch).Add(item);
            }

            try
            {
                var (stored, drained) = CommitOrSkipOutboxAsync(batch, drain: flushes.Count > 0, flushes).GetAwaiter().GetResult();
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(stored[i]);
                }

                if (drained)
                {
                    // The outbox was empty when this commit claimed: every event written before a flush was asked for is in the log.
                    foreach (var flush in flushes)
                    {
                        flush.Completion.TrySetResult(null);
                    }

                    flushes.Clear();
                }
            }
            catch (Exception e)
            {
                // Nothing of the batch was stored (one transaction): every caller learns it, the tree stays as it was.
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(e);
                }
            }

            batch.Clear();
        }
    }

    /// <summary>Commits the batch with the outbox's waiting events; if the outbox cannot be appended, commits the batch alone.</summary>
    /// <remarks>A broken outbox row must not stop 核验 and reads from being audited: those callers wait on the batch, not on the outbox.</remarks>
    private async Task<Commit> CommitOrSkipOutboxAsync(List<Pending> batch, bool drain, List<Pending> flushes)
    {
        if (!drain)
        {
            return await CommitAsync(batch, drain: false);
        }

        try
        {
            return await CommitAsync(batch, drain: true);
        }
        catch (Exception e)
        {
            foreach (var flush in flushes)
            {
                flush.Completion.TrySetException(e);
            }

            flushes.Clear();
            return await CommitAsync(batch, drain: false);
        }
    }

    private async Task<Commit> CommitAsync(List<Pending> batch, bool drain)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryCommitAsync(batch, drain);
            }
            catch (DbException) when (attempt < MaxCommitAttempts)
            {
                // Each attempt continues from the tree as stored (read under the log lock), so leaves never collide; a tree head
                // can: a head this instance signed may name a size another instance has signed too (one row per size). It
                // is a head of an older prefix now, so it is not stored; its signature stays valid for whoever holds it.
                for (var i = batch.Count - 1; i >= 0; i--)
                {
                    if (batch[i] is { Entry: null, Companion: AuditTreeHeadRecord })
                    {
                        batch[i].Completion.TrySetResult(null);
                        batch.RemoveAt(i);
                    }
                }
            }
        }
    }

    /// <summary>What one commit stored: an event (or null) per pending item, and whether it took every event the outbox held.</summary>
    private sealed record Commit(AuditedEvent?[] Stored, bool Drained);

    private async Task<Commit> TryCommitAsync(List<Pending> batch, bool drain)
    {
        await using var db = await contexts.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        if (batch.Count == 0 && (!drain || !await AuditOutbox.AnyAsync(connection, CancellationToken.None)))
        {
            return new Commit([], Drained: true);
        }

        if (options.SqliteSynchronousNormal && db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL;");
        }

        // On SQLite this takes the write lock at once (BEGIN IMMEDIATE), so the claim below sees every committed row.
        await using var transaction = await connection.BeginTransactionAsync();
        await db.Database.UseTransactionAsync(transaction);
        await LockLogAsync(db);
        var storedSize = (await db.AuditEvents.MaxAsync(e => (long?)e.Index) ?? -1) + 1;
        if (storedSize != frontier.Size)
        {
            // Another process appended since this one last did: continue from the tree as stored, never fork it.
            await LoadFrontierAsync(db, CancellationToken.None);
        }

        var room = Math.Max(options.MaxBatchSize - batch.Count, 1);
        var waiting = drain ? await AuditOutbox.ClaimAsync(connection, transaction, RegistryDatabase.ProviderOf(db.Database), room) : [];

        var next = frontier.Clone();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(now);
        var events = new List<object?[]>(batch.Count + waiting.Count);
        var details = new List<object?[]>();
        var nodes = new List<object?[]>((batch.Count + waiting.Count) * 2);

        // Outbox events first: their changes committed before anything now queued. Each keeps the time of its change.
        foreach (var w in waiting)
        {
            Add(w.Entry, w.AtUtc);
        }

        var stored = new AuditedEvent?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].Entry is { } entry)
            {
                stored[i] = Add(entry, at);
            }
        }

        await InsertAsync(connection, transaction, "audit_events", ["idx", "at_unix_ms", "leaf", "leaf_hash", "license_id"],
            [DbType.Int64, DbType.Int64, DbType.Binary, DbType.Binary, DbType.String], events);
        await InsertAsync(connection, transaction, "audit_details", ["idx", "holder_code", "agent_code", "officer_id"],
            [DbType.Int64, DbType.String, DbType.String, DbType.String], details);
        await InsertAsync(connection, transaction, "audit_nodes", ["lvl", "idx", "hash"],
            [DbType.Int32, DbType.Int64, DbType.Binary], nodes);
        foreach (var records in batch.Where(p => p.Companion is not null).Select(p => p.Companion!).GroupBy(c => c.GetType()))
        {
            var rows = records.Key == typeof(AuditTreeHeadRecord) ? await NewTreeHeadsAsync(db, records) : [.. records];
            if (rows.Length > 0)
            {
                await InsertRecordsAsync(db, connection, transaction, records.Key, rows);
            }
        }

        await AuditOutbox.DeleteAsync(connection, transaction, waiting);
        await transaction.CommitAsync();

        frontier = next;
        committed = new Committed(next.Size, next.Root());
        return new Commit(stored, Drained: drain && waiting.Count < room);

        AuditedEvent Add(AuditEntry entry, DateTimeOffset eventAt)
        {
            var index = next.Size;
            var leaf = AuditLeaf.Encode(entry, eventAt, keys.PersonalHash);
            var leafHash = MerkleTree.LeafHash(leaf);
            events.Add([index, eventAt.ToUnixTimeMilliseconds(), leaf, leafHash, entry.LicenseId]);
            if (entry.HolderCode is not null || entry.AgentCode is not null || entry.OfficerId is not null)
            {
                details.Add([index, entry.HolderCode, entry.AgentCode, entry.OfficerId]);
            }

            foreach (var (level, nodeIndex, hash) in next.Append(leafHash))
            {
                nodes.Add([level, nodeIndex, hash]);
            }

            return new AuditedEvent(index, eventAt, entry, Convert.ToHexStringLower(leafHash));
        }
    }

    /// <summary>The heads of sizes no other process has stored a head for (checked under the log lock, so none is stored meanwhile).</summary>
    private static async Task<object[]> NewTreeHeadsAsync(RegistryDbContext db, IEnumerable<object> heads)
    {
        var candidates = heads.Cast<AuditTreeHeadRecord>().DistinctBy(h => h.TreeSize).ToArray();
        var sizes = candidates.Select(h => h.TreeSize).ToArray();
        var stored = await db.AuditTreeHeads.AsNoTracking().Where(h => sizes.Contains(h.TreeSize)).Select(h => h.TreeSize).ToListAsync();
        return candidates.Where(h => !stored.Contains(h.TreeSize)).ToArray<object>();
    }

    /// <summary>Makes this transaction the database's only log writer until it ends, so several processes extend one tree in turn.</summary>
    /// <remarks>SQLite's write lock (taken by the transaction) already does; the servers get an application lock, released with the transaction.</remarks>
    private static Task LockLogAsync(RegistryDbContext db) => RegistryDatabase.ProviderOf(db.Database) switch
    {
        DatabaseProvider.PostgreSql => db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7308604759157106036)"),
        DatabaseProvider.SqlServer => db.Database.ExecuteSqlRawAsync("EXEC sp_getapplock @Resource = 'elic.audit_log', @LockMode = 'Exclusive', @LockOwner = 'Transaction'"),
        _ => Task.CompletedTask,
    };

    // Records stored beside their events, as multi-row INSERTs with EF Core's own table, column names and type mappings
    // (a Guid is stored as EF reads it back: TEXT on SQLite, uuid on PostgreSQL). Measured: SaveChanges of a batch's
    // receipts took ~70% of the writer thread's CPU.
    private static async Task InsertRecordsAsync(RegistryDbContext db, DbConnection connection, DbTransaction transaction, Type type, object[] records)
    {
        var entityType = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not an entity of the registry model.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var properties = entityType.GetProperties().ToArray();
        var columns = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
        // SQL Server takes at most 2,100 parameters per command.
        foreach (var chunk in records.Chunk(Math.Max(1, Math.Min(RowsPerStatement, 2000 / properties.Length))))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var text = new StringBuilder($"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({columns}) VALUES ");
            for (var r = 0; r < chunk.Length; r++)
            {
                text.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < properties.Length; c++)
                {
                    var name = $"@p{r}_{c}";
                    text.Append(c == 0 ? name : ", " + name);
                    var property = properties[c];
                    command.Parameters.Add(property.GetRelationalTypeMapping()
                        .CreateParameter(command, name, property.GetGetter().GetClrValue(chunk[r]), property.IsNullable));
                }

                text.Append(')');
            }

            command.CommandText = text.ToString();
            await command.ExecuteNonQueryAsync();
        }
    }

    // Multi-row INSERTs with parameters: provider-neutral SQL (SQLite and PostgreSQL), far fewer round trips than one row each.
    private static async Task InsertAsync(DbConnection connection, DbTransaction transaction, string table, string[] columns, DbType[] types, List<object?[]> rows)
    {
        for (var offset = 0; offset < rows.Count; offset += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, rows.Count - offset);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            for (var r = 0; r < count; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++)
                {
                    var name = $"@p{r}_{c}";
                    sql.Append(c == 0 ? name : ", " + name);
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    parameter.DbType = types[c];
                    parameter.Value = rows[offset + r][c] ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                }

                sql.Append(')');
            }

            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync();
        }
    }

    private async Task<IReadOnlyDictionary<Subtree, byte[]>> LookupAsync(IReadOnlyCollection<Subtree> subtrees, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Subtree, byte[]>(subtrees.Count);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        foreach (var chunk in subtrees.Chunk(RowsPerStatement))
        {
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder("SELECT lvl, idx, hash FROM audit_nodes WHERE ");
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? string.Empty : " OR ").Append($"(lvl = @l{i} AND idx = @i{i})");
                Add(command, $"@l{i}", DbType.Int32, chunk[i].Level);
                Add(command, $"@i{i}", DbType.Int64, chunk[i].Index);
            }

            command.CommandText = sql.ToString();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found[new Subtree(reader.GetInt32(0), reader.GetInt64(1))] = (byte[])reader.GetValue(2);
            }
        }

        return found;

        static void Add(DbCommand command, string name, DbType type, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = type;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }

    private static AuditedEvent ToEvent(AuditEventRecord record, AuditDetailRecord? detail)
    {
        var entry = AuditLeaf.Decode(record.Leaf) with
        {
            HolderCode = detail?.HolderCode,
            AgentCode = detail?.AgentCode,
            OfficerId = detail?.OfficerId,
        };
        return new AuditedEvent(record.Index, DateTimeOffset.FromUnixTimeMilliseconds(record.AtUnixMs), entry, Convert.ToHexStringLower(record.LeafHash));
    }

    private static SignedTreeHead ToTreeHead(long size, long timestamp, byte[] root, string keyId, byte[] signature) => new()
    {
        TreeSize = size,
        Timestamp = timestamp,
        RootHash = Convert.ToHexStringLower(root),
        KeyId = keyId,
        Signature = Convert.ToBase64String(signature),
    };

    private static RegistryException Invalid(string parameter, string message) =>
        new(RegistryErrorCodes.InvalidParameter, message, [new FieldError("/" + parameter, message)]);
}
