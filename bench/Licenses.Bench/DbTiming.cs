using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ElectronicLicense.Bench;

/// <summary>Stopwatch sections around EF Core's work: SaveChanges, SQL commands (split by whether SaveChanges issued them), commits.</summary>
/// <remarks>
/// The ingest runs one chunk at a time on one logical flow, so plain fields suffice. A reader command is timed until its
/// reader is closed, so that batched inserts whose results are consumed after execution count as SQL time.
/// </remarks>
internal sealed class DbTiming
{
    private long saveStarted;
    private long commandStarted;
    private long commitStarted;
    private bool inSave;
    private bool readerOpen;

    public long SaveTicks { get; private set; }
    public long SaveCommandTicks { get; private set; }
    public long QueryCommandTicks { get; private set; }
    public long CommitTicks { get; private set; }
    public int SaveCommands { get; private set; }
    public int QueryCommands { get; private set; }
    public int Saves { get; private set; }

    public IInterceptor[] Interceptors => [new SaveTimer(this), new CommandTimer(this), new CommitTimer(this)];

    /// <summary>SaveChanges and commits only: safe when queries run concurrently (the OFD issuer looks seals up from parallel tasks).</summary>
    public IInterceptor[] SaveAndCommitInterceptors => [new SaveTimer(this), new CommitTimer(this)];

    /// <summary>Forgets what was measured so far (after a warm-up).</summary>
    public void Reset()
    {
        SaveTicks = SaveCommandTicks = QueryCommandTicks = CommitTicks = 0;
        SaveCommands = QueryCommands = Saves = 0;
    }

    public static TimeSpan Time(long ticks) => Stopwatch.GetElapsedTime(0, ticks);

    private void CommandDone()
    {
        var elapsed = Stopwatch.GetTimestamp() - commandStarted;
        if (inSave)
        {
            SaveCommandTicks += elapsed;
            SaveCommands++;
        }
        else
        {
            QueryCommandTicks += elapsed;
            QueryCommands++;
        }
    }

    private sealed class SaveTimer(DbTiming timing) : SaveChangesInterceptor
    {
        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            timing.inSave = true;
            timing.saveStarted = Stopwatch.GetTimestamp();
            return ValueTask.FromResult(result);
        }

        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            Done();
            return ValueTask.FromResult(result);
        }

        public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            Done();
            return Task.CompletedTask;
        }

        private void Done()
        {
            timing.SaveTicks += Stopwatch.GetTimestamp() - timing.saveStarted;
            timing.Saves++;
            timing.inSave = false;
        }
    }

    private sealed class CommandTimer(DbTiming timing) : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            timing.commandStarted = Stopwatch.GetTimestamp();
            return ValueTask.FromResult(result);
        }

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            timing.readerOpen = true;
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
        {
            ReaderDone();
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
        {
            ReaderDone();
            return result;
        }

        private void ReaderDone()
        {
            if (timing.readerOpen)
            {
                timing.readerOpen = false;
                timing.CommandDone();
            }
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            timing.commandStarted = Stopwatch.GetTimestamp();
            return ValueTask.FromResult(result);
        }

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            timing.CommandDone();
            return ValueTask.FromResult(result);
        }
    }

    private sealed class CommitTimer(DbTiming timing) : DbTransactionInterceptor
    {
        public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            timing.commitStarted = Stopwatch.GetTimestamp();
            return ValueTask.FromResult(result);
        }

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            timing.CommitTicks += Stopwatch.GetTimestamp() - timing.commitStarted;
            return Task.CompletedTask;
        }
    }
}
