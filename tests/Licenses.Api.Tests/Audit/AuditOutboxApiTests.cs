using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ElectronicLicense.Api.Tests.Infrastructure;
using ElectronicLicense.Licenses.Audit;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Api.Tests.Audit;

/// <summary>A change whose events the log cannot take at that moment is still stored, answered and, later, audited once.</summary>
public sealed class AuditOutboxApiTests : IDisposable
{
    // The background pass would take the outbox on its own; here the test says when the log is back.
    private readonly RegistryApiFactory factory = new(Database.Sqlite, new Dictionary<string, string> { ["Audit:OutboxPollInterval"] = "01:00:00" });

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task A_push_and_a_suspension_succeed_while_the_log_is_down_and_their_events_reach_it_exactly_once()
    {
        using var failing = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.AddSingleton<IAuditTrail>(sp => new LogDownAfterCommit(sp.GetRequiredService<AuditLog>()))));
        _ = failing.Server;
        var body = Samples.License("motor-vehicle-driving-licence-1.json");
        body["证照编号"] = "T" + Guid.NewGuid().ToString("N")[..20].ToUpperInvariant();
        var issuer = failing.CreateClient();
        issuer.DefaultRequestHeaders.Authorization = new("Bearer", factory.Tokens[Samples.IssuerOf(body)]["issuer"]);

        var pushed = await issuer.PostAsync("/api/v1/licenses", Samples.Json(body));
        Assert.True(pushed.StatusCode == HttpStatusCode.Created, await pushed.Content.ReadAsStringAsync());
        var licenseId = (string)(await pushed.Content.ReadFromJsonAsync<JsonObject>())!["licenseId"]!;
        var suspended = await issuer.PostAsJsonAsync($"/api/v1/licenses/{licenseId}/suspend", new { reasonCode = "suspended-by-authority" });
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);

        var services = failing.Services;
        async Task<(int Waiting, string[] Actions)> StateAsync()
        {
            var contexts = services.GetRequiredService<IDbContextFactory<ElectronicLicense.Licenses.Persistence.RegistryDbContext>>();
            await using var db = await contexts.CreateDbContextAsync();
            var leaves = await db.AuditEvents.Where(e => e.LicenseId == licenseId).OrderBy(e => e.Index).Select(e => e.Leaf).ToListAsync();
            return (await db.AuditOutbox.CountAsync(), leaves.Select(l => AuditLeaf.Decode(l).Action).ToArray());
        }

        var before = await StateAsync();
        Assert.Equal(3, before.Waiting);   // committed with the license and the suspension, not yet in the log
        Assert.Empty(before.Actions);

        // The log is back (its background pass, or any later append, takes the outbox): each event appears once, in order.
        var log = services.GetRequiredService<AuditLog>();
        await log.AppendOutboxAsync();
        await log.AppendOutboxAsync();
        var after = await StateAsync();
        Assert.Equal(0, after.Waiting);
        Assert.Equal([AuditActions.Ingest, AuditActions.Issue, AuditActions.StatusChange], after.Actions);
    }

    /// <summary>The real log, except that appending the outbox right after a commit fails, as when the log's database connection drops.</summary>
    private sealed class LogDownAfterCommit(AuditLog log) : IAuditTrail
    {
        public Task<AuditedEvent> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) => log.AppendAsync(entry, cancellationToken);

        public Task AppendOutboxAsync(CancellationToken cancellationToken = default) =>
            Task.FromException(new InvalidOperationException("audit log unavailable"));

        public Task<IReadOnlyList<AuditedEvent>> ForHolderAsync(string holderCode, int skip, int take, CancellationToken cancellationToken = default) =>
            log.ForHolderAsync(holderCode, skip, take, cancellationToken);
    }
}
