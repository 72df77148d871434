using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Tests.Archiving;

/// <summary>Export jobs on SQLite: heartbeats, taking over the job of a dead worker, and giving a job back on shutdown.</summary>
public sealed class ArchiveExportJobsTests : IAsyncLifetime
{
    private static readonly ArchiveSelection Selection =
        ArchiveSelection.ForType(LicenseTypeCode.Parse("11100000000013338W009"), new DateOnly(2021, 1, 1), new DateOnly(2021, 12, 31));

    private ScratchRegistryDatabase database = null!;
    private readonly ManualClock clock = new(new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly ArchiveOptions options = new();
    private IDbContextFactory<RegistryDbContext> contexts = null!;

    public async Task InitializeAsync()
    {
        database = await ScratchRegistryDatabase.CreateAsync();
        contexts = database.Contexts;
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    private ArchiveExportJobs Worker() => new(contexts, clock, options);

    [Fact]
    public async Task A_running_job_with_an_old_heartbeat_is_taken_over_and_completed_by_another_worker()
    {
        var id = await InsertAsync(ArchiveExportJobs.Running, heartbeatAge: options.ExportStaleAfter + TimeSpan.FromSeconds(1), exported: 7);
        var runs = new ConcurrentBag<string>();

        Assert.True(await Worker().RunNextAsync(Items(runs, 3), CountOf(3), CancellationToken.None));

        var job = await ReadAsync(id);
        Assert.Equal([id], runs);
        Assert.Equal(ArchiveExportJobs.Completed, job.Status);
        Assert.Equal((3, 3, 0, 300L), (job.Total, job.Exported, job.Failed, job.Bytes));   // counted again from the start
        Assert.Equal(clock.GetUtcNow().UtcDateTime, job.StartedAtUtc);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, job.CompletedAtUtc);
        Assert.Null(job.HeartbeatAtUtc);
    }

    [Fact]
    public async Task A_running_job_with_a_fresh_heartbeat_is_not_taken_until_its_heartbeat_is_stale()
    {
        var age = options.ExportStaleAfter - TimeSpan.FromSeconds(30);
        var id = await InsertAsync(ArchiveExportJobs.Running, heartbeatAge: age, exported: 7);
        var before = await ReadAsync(id);
        var runs = new ConcurrentBag<string>();

        Assert.False(await Worker().RunNextAsync(Items(runs, 3), CountOf(3), CancellationToken.None));
        Assert.Empty(runs);
        var after = await ReadAsync(id);
        Assert.Equal((before.Status, before.Exported, before.HeartbeatAtUtc), (after.Status, after.Exported, after.HeartbeatAtUtc));

        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.True(await Worker().RunNextAsync(Items(runs, 3), CountOf(3), CancellationToken.None));
        Assert.Equal([id], runs);
        Assert.Equal(ArchiveExportJobs.Completed, (await ReadAsync(id)).Status);
    }

    [Fact]
    public async Task A_slow_export_keeps_its_heartbeat_fresh_and_is_not_taken_over()
    {
        var id = await InsertAsync(ArchiveExportJobs.Queued);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<ArchiveExportItem> Slow(ArchiveExportJob job, [EnumeratorCancellation] CancellationToken token)
        {
            started.SetResult();
            await release.Task.WaitAsync(token);   // one package that takes far longer than the stale limit
            yield return new ArchiveExportItem(job.Id, "bag", "00", 100, null);
        }

        var worker = Worker();
        var running = worker.RunNextAsync(Slow, CountOf(1), CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var end = clock.GetUtcNow() + (3 * options.ExportStaleAfter);
        while (clock.GetUtcNow() < end)
        {
            await Until(() => clock.PendingTimers == 1);
            clock.Advance(worker.HeartbeatEvery);
            var now = clock.GetUtcNow().UtcDateTime;
            await Until(async () => (await ReadAsync(id)).HeartbeatAtUtc == now);
            Assert.False(await Worker().RunNextAsync(Items(new ConcurrentBag<string>(), 1), CountOf(1), CancellationToken.None));
        }

        release.SetResult();
        Assert.True(await running.WaitAsync(TimeSpan.FromSeconds(30)));
        var job = await ReadAsync(id);
        Assert.Equal((ArchiveExportJobs.Completed, 1, 1), (job.Status, job.Total, job.Exported));
    }

    [Fact]
    public async Task A_cancelled_run_puts_the_job_back_in_the_queue_and_a_later_run_completes_it()
    {
        var id = await InsertAsync(ArchiveExportJobs.Queued);
        using var shutdown = new CancellationTokenSource();
        async IAsyncEnumerable<ArchiveExportItem> Interrupted(ArchiveExportJob job, [EnumeratorCancellation] CancellationToken token)
        {
            for (var i = 0; i < ProgressEvery; i++)
            {
                yield return new ArchiveExportItem(job.Id, $"bag-{i}", "00", 10, null);
            }

            await shutdown.CancelAsync();
            await Task.Delay(Timeout.Infinite, token);
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Worker().RunNextAsync(Interrupted, CountOf(80), shutdown.Token));

        var queued = await ReadAsync(id);
        Assert.Equal(ArchiveExportJobs.Queued, queued.Status);
        Assert.Equal((0, 0, 0, 0L), (queued.Total, queued.Exported, queued.Failed, queued.Bytes));
        Assert.Null(queued.StartedAtUtc);
        Assert.Null(queued.HeartbeatAtUtc);

        var runs = new ConcurrentBag<string>();
        Assert.True(await Worker().RunNextAsync(Items(runs, 80), CountOf(80), CancellationToken.None));
        var done = await ReadAsync(id);
        Assert.Equal([id], runs);
        Assert.Equal((ArchiveExportJobs.Completed, 80, 80), (done.Status, done.Total, done.Exported));
    }

    [Fact]
    public async Task Two_workers_that_both_see_a_stale_job_cannot_both_claim_it()
    {
        var id = await InsertAsync(ArchiveExportJobs.Running, heartbeatAge: options.ExportStaleAfter * 2);
        var (first, second) = (Worker(), Worker());

        // Both read the job as stale before either writes: the status alone (running before and after) cannot tell them apart.
        var seenByFirst = Assert.Single(await first.ClaimableAsync(CancellationToken.None));
        var seenBySecond = Assert.Single(await second.ClaimableAsync(CancellationToken.None));
        using var claimed = await first.TryClaimAsync(seenByFirst, CancellationToken.None);
        using var alsoClaimed = await second.TryClaimAsync(seenBySecond, CancellationToken.None);

        Assert.NotNull(claimed);
        Assert.Null(alsoClaimed);
        Assert.Equal(id, claimed.Job.Id);
    }

    [Fact]
    public async Task Workers_racing_for_stale_jobs_run_each_exactly_once()
    {
        for (var round = 0; round < 10; round++)
        {
            var id = await InsertAsync(ArchiveExportJobs.Running, heartbeatAge: options.ExportStaleAfter * 2);
            var runs = new ConcurrentBag<string>();

            var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
                Worker().RunNextAsync(Items(runs, 2), CountOf(2), CancellationToken.None))));

            Assert.Single(results, won => won);
            Assert.Equal([id], runs);
            Assert.Equal(ArchiveExportJobs.Completed, (await ReadAsync(id)).Status);
        }
    }

    [Fact]
    public async Task A_run_whose_job_was_taken_over_stops_without_overwriting_it()
    {
        var id = await InsertAsync(ArchiveExportJobs.Queued);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<ArchiveExportItem> Paused(ArchiveExportJob job, [EnumeratorCancellation] CancellationToken token)
        {
            started.SetResult();
            await release.Task.WaitAsync(token);
            yield return new ArchiveExportItem(job.Id, "bag", "00", 100, null);
        }

        var paused = Worker().RunNextAsync(Paused, CountOf(1), CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The paused worker's process freezes (its timers do not run) for longer than the stale limit; another worker takes the job.
        clock.Advance(options.ExportStaleAfter * 2, fireTimers: false);

        var other = Worker();
        using var claim = await other.TryClaimAsync(Assert.Single(await other.ClaimableAsync(CancellationToken.None)), CancellationToken.None);
        Assert.NotNull(claim);

        release.SetResult();
        Assert.True(await paused.WaitAsync(TimeSpan.FromSeconds(30)));
        var job = await ReadAsync(id);
        Assert.Equal(ArchiveExportJobs.Running, job.Status);   // still the other worker's, not marked completed by the paused one
        Assert.Equal(claim.Heartbeat, job.HeartbeatAtUtc);
        Assert.Equal(0, job.Exported);
    }

    /// <summary>A run saves its progress every 50 packages.</summary>
    private const int ProgressEvery = 50;

    private static Func<ArchiveExportJob, CancellationToken, IAsyncEnumerable<ArchiveExportItem>> Items(ConcurrentBag<string> runs, int count) =>
        (job, token) => ItemsAsync(job, runs, count, token);

    private static async IAsyncEnumerable<ArchiveExportItem> ItemsAsync(ArchiveExportJob job, ConcurrentBag<string> runs, int count, [EnumeratorCancellation] CancellationToken token)
    {
        runs.Add(job.Id);
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            token.ThrowIfCancellationRequested();
            yield return new ArchiveExportItem(job.Id, $"bag-{i}", "00", 100, null);
        }
    }

    private static Func<ArchiveSelection, CancellationToken, Task<int>> CountOf(int count) => (_, _) => Task.FromResult(count);

    private async Task<string> InsertAsync(string status, TimeSpan? heartbeatAge = null, int exported = 0)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var record = new ArchiveExportRecord
        {
            Id = Guid.NewGuid().ToString("N"),
            RequestedBy = "11500000MB15040166",
            SelectionJson = Selection.ToJson(),
            Status = status,
            CreatedAtUtc = now - TimeSpan.FromHours(1),
            StartedAtUtc = status == ArchiveExportJobs.Running ? now - TimeSpan.FromMinutes(30) : null,
            HeartbeatAtUtc = heartbeatAge is { } age ? now - age : null,
            Total = exported,
            Exported = exported,
        };
        await using var db = await contexts.CreateDbContextAsync();
        db.ArchiveExports.Add(record);
        await db.SaveChangesAsync();
        return record.Id;
    }

    private async Task<ArchiveExportRecord> ReadAsync(string id)
    {
        await using var db = await contexts.CreateDbContextAsync();
        return await db.ArchiveExports.AsNoTracking().SingleAsync(j => j.Id == id);
    }

    private static Task Until(Func<bool> condition) => Until(() => Task.FromResult(condition()));

    private static async Task Until(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(10);
        }
    }

    /// <summary>A clock that moves only when told, firing the timers (<see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/>) that fall due.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private readonly Lock gate = new();
        private readonly List<Timer> timers = [];
        private DateTimeOffset now = start;

        public int PendingTimers
        {
            get
            {
                lock (gate)
                {
                    return timers.Count;
                }
            }
        }

        public override DateTimeOffset GetUtcNow()
        {
            lock (gate)
            {
                return now;
            }
        }

        public void Advance(TimeSpan by, bool fireTimers = true)
        {
            List<Timer> due;
            lock (gate)
            {
                now += by;
                due = fireTimers ? timers.Where(t => t.DueAt <= now).ToList() : [];
                timers.RemoveAll(due.Contains);
            }

            foreach (var timer in due)
            {
                timer.Fire();
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Assert.Equal(Timeout.InfiniteTimeSpan, period);   // one-shot timers are all Task.Delay needs
            var timer = new Timer(this, callback, state);
            timer.Change(dueTime, period);
            return timer;
        }

        private sealed class Timer(ManualClock clock, TimerCallback callback, object? state) : ITimer
        {
            public DateTimeOffset DueAt { get; private set; }

            public void Fire() => callback(state);

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                lock (clock.gate)
                {
                    clock.timers.Remove(this);
                    if (dueTime != Timeout.InfiniteTimeSpan)
                    {
                        DueAt = clock.now + dueTime;
                        clock.timers.Add(this);
                    }
                }

                return true;
            }

            public void Dispose()
            {
                lock (clock.gate)
                {
                    clock.timers.Remove(this);
                }
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
