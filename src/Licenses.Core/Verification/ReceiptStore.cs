using System.Threading.Channels;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Verification;

/// <summary>Stores each receipt together with its <c>license.verify</c> audit event; completes once both are durable.</summary>
/// <remarks>
/// <para>With the Merkle <see cref="AuditLog"/> the receipt rides in the log's group-commit transaction: one commit for both,
/// and one writer for the database. Two independent group-commit writers (receipts, audit) contended for SQLite's single
/// write lock, and Microsoft.Data.Sqlite retries a busy database with sleeps of up to ~150 ms, which set 核验's latency.</para>
/// <para>With any other <see cref="IAuditTrail"/> the receipt is batched here and the event appended at the same time.</para>
/// </remarks>
internal sealed class ReceiptStore : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly IAuditTrail audit;
    private readonly Channel<(VerificationReceiptRecord Record, TaskCompletionSource Done)> queue =
        Channel.CreateUnbounded<(VerificationReceiptRecord, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> writer;

    public ReceiptStore(IDbContextFactory<RegistryDbContext> contexts, IAuditTrail audit)
    {
        this.contexts = contexts;
        this.audit = audit;
        writer = new Lazy<Task>(() => Task.Run(WriteAsync));
    }

    /// <summary>Stores <paramref name="record"/> and appends <paramref name="entry"/>; both are durable when this completes.</summary>
    /// <remarks>Cancelling stops the wait, not the store: once queued, the receipt and its event are committed.</remarks>
    public async Task SaveAsync(VerificationReceiptRecord record, AuditEntry entry, CancellationToken cancellationToken)
    {
        if (audit is AuditLog log)
        {
            await log.AppendWithAsync(entry, record, cancellationToken);
            return;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = writer.Value;
        if (!queue.Writer.TryWrite((record, done)))
        {
            throw new ObjectDisposedException(nameof(ReceiptStore));
        }

        await Task.WhenAll(done.Task, audit.AppendAsync(entry, cancellationToken));
    }

    public async Task<VerificationReceiptRecord?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.VerificationReceipts.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
    }

    private async Task WriteAsync()
    {
        var batch = new List<(VerificationReceiptRecord Record, TaskCompletionSource Done)>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await using var db = await contexts.CreateDbContextAsync();
                db.VerificationReceipts.AddRange(batch.Select(b => b.Record));
                await db.SaveChangesAsync();
                batch.ForEach(b => b.Done.TrySetResult());
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                batch.ForEach(b => b.Done.TrySetException(e));
            }

            batch.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        if (writer.IsValueCreated)
        {
            await writer.Value;
        }
    }
}
