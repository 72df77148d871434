using System.Data;
using System.Data.Common;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;
using Subtree = ElectronicLicense.Licenses.Audit.MerkleProofBuilder.Subtree;

namespace ElectronicLicense.Licenses.Audit;

/// <summary>The log's start (loading and checking the stored tree) and its single writer: group commits under the log lock.</summary>
public sealed partial class AuditLog
{
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
        var size = await StoredSizeAsync(db, cancellationToken);
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
        var storedSize = await StoredSizeAsync(db, CancellationToken.None);
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

        await AuditRows.InsertAsync(connection, transaction, "audit_events", ["idx", "at_unix_ms", "leaf", "leaf_hash", "license_id"],
            [DbType.Int64, DbType.Int64, DbType.Binary, DbType.Binary, DbType.String], events);
        await AuditRows.InsertAsync(connection, transaction, "audit_details", ["idx", "holder_code", "agent_code", "officer_id"],
            [DbType.Int64, DbType.String, DbType.String, DbType.String], details);
        await AuditRows.InsertAsync(connection, transaction, "audit_nodes", ["lvl", "idx", "hash"],
            [DbType.Int32, DbType.Int64, DbType.Binary], nodes);
        foreach (var records in batch.Where(p => p.Companion is not null).Select(p => p.Companion!).GroupBy(c => c.GetType()))
        {
            var rows = records.Key == typeof(AuditTreeHeadRecord) ? await NewTreeHeadsAsync(db, records) : [.. records];
            if (rows.Length > 0)
            {
                await AuditRows.InsertRecordsAsync(db, connection, transaction, records.Key, rows);
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
}
