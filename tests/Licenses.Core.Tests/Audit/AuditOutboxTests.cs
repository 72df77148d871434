using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Tests.Audit;

/// <summary>Events written in a change's own transaction reach the log exactly once, whatever fails in between.</summary>
public sealed class AuditOutboxTests : IAsyncLifetime
{
    private readonly AuditLogFixture fixture = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await fixture.DisposeAsync();

    private static AuditEntry Change(int i) => new()
    {
        Action = AuditActions.StatusChange,
        Outcome = AuditOutcome.Success,
        ActorKind = AuditActorKind.Department,
        Department = "11500000MB1234567X",
        Role = "issuer",
        HolderCode = "11010519491231002X",
        LicenseId = "1.2.156.3005.2.11500000MB1234567X.00" + i,
        CaseNumber = "change-" + i,
        Detail = "valid -> suspended (r" + i + ")",
    };

    /// <summary>Writes events to the outbox as a service does: with its change, in one transaction.</summary>
    private static async Task WriteAsync(IDbContextFactory<RegistryDbContext> contexts, IEnumerable<(AuditEntry Entry, DateTime At)> events)
    {
        await using var db = await contexts.CreateDbContextAsync();
        foreach (var (entry, at) in events)
        {
            AuditOutbox.Add(db, entry, at);
        }

        await db.SaveChangesAsync();
    }

    private static async Task<List<AuditEventRecord>> EventsAsync(IDbContextFactory<RegistryDbContext> contexts)
    {
        await using var db = await contexts.CreateDbContextAsync();
        return await db.AuditEvents.AsNoTracking().OrderBy(e => e.Index).ToListAsync();
    }

    private static async Task<int> WaitingAsync(IDbContextFactory<RegistryDbContext> contexts)
    {
        await using var db = await contexts.CreateDbContextAsync();
        return await db.AuditOutbox.CountAsync();
    }

    [Fact]
    public async Task Outbox_events_are_appended_once_in_their_order_with_the_time_of_their_change()
    {
        var log = await fixture.OpenAsync();
        var changedAt = new DateTime(2026, 3, 1, 8, 30, 0, DateTimeKind.Utc);
        await WriteAsync(fixture.Contexts, Enumerable.Range(0, 3).Select(i => (Change(i), changedAt.AddMinutes(i))));

        await log.AppendOutboxAsync();
        await log.AppendOutboxAsync();   // a second pass finds nothing left to append

        var events = await EventsAsync(fixture.Contexts);
        Assert.Equal(3, events.Count);
        for (var i = 0; i < 3; i++)
        {
            var entry = AuditLeaf.Decode(events[i].Leaf);
            Assert.Equal("change-" + i, entry.CaseNumber);
            Assert.Equal(new DateTimeOffset(changedAt.AddMinutes(i)).ToUnixTimeMilliseconds(), events[i].AtUnixMs);
        }

        Assert.Equal(0, await WaitingAsync(fixture.Contexts));
        var holders = await log.ForHolderAsync("11010519491231002X", 0, 10);
        Assert.Equal(3, holders.Count);   // the readable personal part came through the outbox too
    }

    [Fact]
    public async Task Events_committed_by_a_process_that_died_before_appending_are_appended_by_the_next_start()
    {
        var first = await fixture.OpenAsync();
        await first.AppendAsync(Change(100));
        // The change committed with its events, then the process died: nothing appended them.
        await WriteAsync(fixture.Contexts, Enumerable.Range(0, 5).Select(i => (Change(i), DateTime.UtcNow)));

        var restarted = await fixture.OpenAsync();
        var worker = new AuditOutboxWorker(restarted, new AuditOptions { OutboxPollInterval = TimeSpan.FromMilliseconds(50) }, TimeProvider.System, NullLogger<AuditOutboxWorker>.Instance);
        await worker.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await WaitingAsync(fixture.Contexts) > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        var events = await EventsAsync(fixture.Contexts);
        Assert.Equal(["change-100", "change-0", "change-1", "change-2", "change-3", "change-4"], events.Select(e => AuditLeaf.Decode(e.Leaf).CaseNumber));
        var head = await restarted.LatestTreeHeadAsync();
        Assert.Equal(6, head.TreeSize);
        Assert.Equal(Convert.ToHexStringLower(NaiveMerkle.Mth(events.Select(e => e.Leaf).ToList())), head.RootHash);
    }

    [Fact]
    public async Task A_broken_outbox_row_stops_neither_direct_appends_nor_is_it_lost()
    {
        var log = await fixture.OpenAsync();
        await using (var db = await fixture.Contexts.CreateDbContextAsync())
        {
            db.AuditOutbox.Add(new AuditOutboxRecord { AtUnixMs = 0, Entry = "{ not an event" });
            await db.SaveChangesAsync();
        }

        await Assert.ThrowsAnyAsync<Exception>(() => log.AppendOutboxAsync());
        var verified = await log.AppendAsync(Change(1));   // 核验 and reads are still audited

        Assert.Equal(0, verified.Index);
        Assert.Single(await EventsAsync(fixture.Contexts));
        Assert.Equal(1, await WaitingAsync(fixture.Contexts));   // kept for someone to look at, never dropped
    }

    [PostgresFact]
    public async Task Two_writers_on_one_PostgreSQL_database_append_every_outbox_event_exactly_once()
    {
        await using var database = await TempPostgresDatabase.CreateAsync();
        var options = RegistryDatabase.Options(DatabaseProvider.PostgreSql, database.ConnectionString);
        var contexts = new PooledDbContextFactory<RegistryDbContext>(options);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
        }

        AuditLog Open() => new(contexts,
            new AuditKeys(
                Options.Create(new SealingOptions { KeyDirectory = fixture.KeyDirectory, KeyPassword = "test-fixture-password" }),
                Options.Create(new StorageOptions { DataDirectory = fixture.Folder })),
            TimeProvider.System,
            Options.Create(new AuditOptions { MaxBatchSize = 64 }));
        await using var a = Open();
        await using var b = Open();

        // Services commit changes while both processes append the outbox and their own direct events.
        const int Changes = 600;
        var writers = Enumerable.Range(0, Changes / 10).Select(chunk => Task.Run(async () =>
        {
            await WriteAsync(contexts, Enumerable.Range(chunk * 10, 10).Select(i => (Change(i), DateTime.UtcNow)));
            await (chunk % 2 == 0 ? a : b).AppendOutboxAsync();
        }));
        var direct = Enumerable.Range(Changes, 100).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).AppendAsync(Change(i))));
        await Task.WhenAll([.. writers, .. direct]);
        await a.AppendOutboxAsync();
        await b.AppendOutboxAsync();

        var events = await EventsAsync(contexts);
        Assert.Equal(Enumerable.Range(0, Changes + 100).Select(i => (long)i), events.Select(e => e.Index));
        Assert.Equal(
            Enumerable.Range(0, Changes + 100).Select(i => "change-" + i).Order(StringComparer.Ordinal),
            events.Select(e => AuditLeaf.Decode(e.Leaf).CaseNumber!).Order(StringComparer.Ordinal));
        Assert.Equal(0, await WaitingAsync(contexts));
        await using var restarted = Open();   // reads the tree as stored, as either process would after a restart
        var head = await restarted.LatestTreeHeadAsync();
        Assert.Equal(Changes + 100, head.TreeSize);
        Assert.Equal(Convert.ToHexStringLower(NaiveMerkle.Mth(events.Select(e => e.Leaf).ToList())), head.RootHash);
    }
}
