using System.Threading.Channels;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Verification;

/// <summary>Stores receipts with group commit: concurrent verifications share one transaction, and each completes once its receipt is durable.</summary>
/// <remarks>
/// One insert per verification would make the database's write lock the limit of 核验 by id (SQLite takes one writer at a
/// time); batching keeps the guarantee — no receipt is returned before it is stored — at a fraction of the cost.
/// </remarks>
internal sealed class ReceiptStore : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly Channel<(VerificationReceiptRecord Record, TaskCompletionSource Done)> queue =
        Channel.CreateUnbounded<(VerificationReceiptRecord, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task writer;

    public ReceiptStore(IDbContextFactory<RegistryDbContext> contexts)
    {
        this.contexts = contexts;
        writer = Task.Run(WriteAsync);
    }

    public Task SaveAsync(VerificationReceiptRecord record)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!queue.Writer.TryWrite((record, done)))
        {
            throw new ObjectDisposedException(nameof(ReceiptStore));
        }

        return done.Task;
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
        await writer;
    }
}
