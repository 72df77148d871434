using System.Collections.Concurrent;
using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Tests.Verification;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Tests.Archiving;

public sealed class ArchiveQueueTests : IAsyncLifetime
{
    private ScratchRegistryDatabase database = null!;
    private readonly MovableClock clock = new();
    private readonly ArchiveOptions options = new() { SettleDelay = TimeSpan.Zero, MaxAttempts = 3 };
    private IDbContextFactory<RegistryDbContext> contexts = null!;

    public async Task InitializeAsync()
    {
        database = await ScratchRegistryDatabase.CreateAsync();
        contexts = database.Contexts;
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task Each_queued_package_is_made_once_and_marked_done()
    {
        var queue = new ArchiveQueue(contexts, clock, options);
        await queue.EnqueueAsync(["A-1", "B-1"], ArchiveQueue.CaseClosed, "CASE-7");
        var made = new List<(string, string)>();

        var handled = await queue.ProcessDueAsync((id, caseNumber, _) => { made.Add((id, caseNumber)); return Task.CompletedTask; }, max: 10);

        Assert.Equal(2, handled);
        Assert.Equal([("A-1", "CASE-7"), ("B-1", "CASE-7")], made);
        Assert.Equal((0, 0), await queue.CountAsync());
        Assert.Equal(0, await queue.ProcessDueAsync((_, _, _) => throw new InvalidOperationException("nothing is due"), max: 10));
    }

    [Fact]
    public async Task A_failed_package_is_retried_after_a_backoff_and_given_up_after_the_last_attempt()
    {
        var queue = new ArchiveQueue(contexts, clock, options);
        await queue.EnqueueAsync(["C-1"], ArchiveQueue.Issued, string.Empty);
        var attempts = 0;
        Task Failing(string id, string caseNumber, CancellationToken token)
        {
            attempts++;
            throw new IOException("store unreachable");
        }

        await queue.ProcessDueAsync(Failing, max: 10);
        Assert.Equal(1, attempts);

        // Not due again until its backoff has passed.
        await queue.ProcessDueAsync(Failing, max: 10);
        Assert.Equal(1, attempts);

        for (var i = 0; i < 5; i++)
        {
            clock.Offset += TimeSpan.FromHours(1);
            await queue.ProcessDueAsync(Failing, max: 10);
        }

        Assert.Equal(options.MaxAttempts, attempts);
        Assert.Equal((0, 1), await queue.CountAsync());
        await using var db = await contexts.CreateDbContextAsync();
        var row = await db.ArchiveOutbox.SingleAsync();
        Assert.Null(row.CompletedAtUtc);
        Assert.Equal("IOException: store unreachable", row.LastError);
    }

    [Fact]
    public async Task A_package_that_fails_once_is_made_on_the_next_attempt()
    {
        var queue = new ArchiveQueue(contexts, clock, options);
        await queue.EnqueueAsync(["D-1"], ArchiveQueue.Issued, string.Empty);
        var calls = 0;

        await queue.ProcessDueAsync((_, _, _) => ++calls == 1 ? throw new IOException("timeout") : Task.CompletedTask, max: 10);
        clock.Offset += TimeSpan.FromMinutes(1);
        await queue.ProcessDueAsync((_, _, _) => ++calls == 1 ? throw new IOException("timeout") : Task.CompletedTask, max: 10);

        Assert.Equal(2, calls);
        Assert.Equal((0, 0), await queue.CountAsync());
    }

    [Fact]
    public async Task Concurrent_workers_never_make_the_same_package_twice()
    {
        var ids = Enumerable.Range(0, 40).Select(i => $"E-{i}").ToList();
        await new ArchiveQueue(contexts, clock, options).EnqueueAsync(ids, ArchiveQueue.Issued, string.Empty);
        var made = new ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            new ArchiveQueue(contexts, clock, options).ProcessDueAsync(
                async (id, _, token) => { made.Add(id); await Task.Delay(5, token); }, max: 100))));

        Assert.Equal(ids.Order(), made.Order());
    }

    [Fact]
    public async Task A_worker_that_died_mid_package_leaves_it_to_be_taken_up_after_its_lease()
    {
        var queue = new ArchiveQueue(contexts, clock, options);
        await queue.EnqueueAsync(["F-1"], ArchiveQueue.Issued, string.Empty);
        using var dying = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.ProcessDueAsync(
            (_, _, token) => { dying.Cancel(); token.ThrowIfCancellationRequested(); return Task.CompletedTask; }, max: 1, dying.Token));
        Assert.Equal(0, await queue.ProcessDueAsync((_, _, _) => Task.CompletedTask, max: 10));

        clock.Offset += TimeSpan.FromMinutes(10);
        var made = new List<string>();
        await queue.ProcessDueAsync((id, _, _) => { made.Add(id); return Task.CompletedTask; }, max: 10);
        Assert.Equal(["F-1"], made);
    }
}
