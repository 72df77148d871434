using System.Data;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;
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
public sealed partial class AuditLog : IAuditTrail, IAsyncDisposable, IDisposable
{
    private const int VerifyTailOnStart = 64;
    private const int MaxCommitAttempts = 5;
    private const int SubtreesPerQuery = 200;

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
        var size = await StoredSizeAsync(db, cancellationToken);
        return size <= local.Size ? local : new Committed(size, await RootAtAsync(size, cancellationToken));
    }

    /// <summary>The number of events stored: one more than the highest index.</summary>
    private static async Task<long> StoredSizeAsync(RegistryDbContext db, CancellationToken cancellationToken) =>
        (await db.AuditEvents.MaxAsync(e => (long?)e.Index, cancellationToken) ?? -1) + 1;

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

    private async Task<IReadOnlyDictionary<Subtree, byte[]>> LookupAsync(IReadOnlyCollection<Subtree> subtrees, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Subtree, byte[]>(subtrees.Count);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        foreach (var chunk in subtrees.Chunk(SubtreesPerQuery))
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
