using System.Text;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Storage;
using ElectronicLicense.Licenses.Tests.Issuance;
using ElectronicLicense.Licenses.Verification;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Verification;
using ElectronicLicense.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Licenses.Tests.Ingest;

/// <summary>
/// Issuance outside the write transaction: a stored version is verifiable by id at once, gets its sealed OFD and PDF
/// exactly once whatever fails in between, and its <c>license.issue</c> event comes with them.
/// </summary>
public sealed class DocumentIssuanceTests
{
    private const string Health = "11500000MB1507014M";   // issues 医疗机构死亡证明, sealed by three departments

    [Fact]
    public async Task A_single_push_answers_with_its_documents_attached_and_leaves_no_job()
    {
        await using var registry = await StartAsync();
        var caller = await registry.ActAsAsync(Health, DepartmentRole.Issuer);

        var pushed = await registry.Ingest.IngestAsync(caller, Body("SINGLE-1"));

        Assert.Equal(DocumentsState.Attached, pushed.Documents);
        var version = (await registry.Queries.GetAsync(caller, pushed.LicenseId!)).Versions.Single();
        Assert.Equal(["ofd", "pdf"], version.Documents.Select(d => d.Format).Order(StringComparer.Ordinal));
        Assert.Equal(0, (await Issuance(registry).CountPendingAsync()).Waiting);
        Assert.Equal(Indication.TotalPassed, OfdVerifier.Verify(await registry.ReadObjectAsync(version.Documents.Single(d => d.Format == "ofd").Sha256), registry.Trust).Indication);
    }

    [Fact]
    public async Task A_batch_is_verifiable_by_id_at_once_and_by_file_once_the_worker_attached_its_documents()
    {
        await using var registry = await StartAsync();
        var caller = await registry.ActAsAsync(Health, DepartmentRole.Issuer);
        var verifier = await registry.ActAsAsync(Health, DepartmentRole.Verifier);

        var results = await BatchAsync(registry, caller, Enumerable.Range(0, 12).Select(i => Body("BATCH-" + i)));

        Assert.All(results, r => Assert.Equal(DocumentsState.Pending, r.Result.Documents));
        var first = results[0].Result.LicenseId!;
        Assert.Empty((await registry.Queries.GetAsync(caller, first)).Versions.Single().Documents);
        var byId = await Verifications(registry).VerifyLicenseAsync(verifier, first);
        Assert.Equal("TOTAL-PASSED", byId.Report.Indication);   // verifiable by id before its documents are attached

        Assert.Equal(12, await Issuance(registry).IssuePendingAsync());

        Assert.Equal((0, 0), await Issuance(registry).CountPendingAsync());
        foreach (var line in results)
        {
            var version = (await registry.Queries.GetAsync(caller, line.Result.LicenseId!)).Versions.Single();
            Assert.Equal(["ofd", "pdf"], version.Documents.Select(d => d.Format).Order(StringComparer.Ordinal));
            var ofd = await registry.ReadObjectAsync(version.Documents.Single(d => d.Format == "ofd").Sha256);
            Assert.Equal(Indication.TotalPassed, OfdVerifier.Verify(ofd, registry.Trust).Indication);
            var byFile = await Verifications(registry).VerifyFileAsync(verifier, ofd);
            Assert.Equal((line.Result.LicenseId!.Value, "TOTAL-PASSED"), (byFile.Report.LicenseId, byFile.Report.Indication));
        }

        // The re-push of a stored line is unchanged and says its documents are attached now.
        var again = await BatchAsync(registry, caller, [Body("BATCH-0")]);
        Assert.Equal((IngestOutcome.Unchanged, DocumentsState.Attached), (again[0].Result.Outcome, again[0].Result.Documents));

        var events = await EventsAsync(registry);
        Assert.All(results, line =>
        {
            Assert.Single(events, e => e.Action == AuditActions.Ingest && e.LicenseId == line.Result.LicenseId!.Value && e.Detail == "created");
            Assert.Single(events, e => e.Action == AuditActions.Issue && e.LicenseId == line.Result.LicenseId!.Value);
        });
    }

    [Fact]
    public async Task Documents_that_fail_to_store_are_attached_later_once_and_the_license_stays_stored_meanwhile()
    {
        var store = new FailingObjectStore();
        await using var registry = await StartAsync(services => services.AddSingleton<IObjectStore>(sp => store.Around(sp)));
        var caller = await registry.ActAsAsync(Health, DepartmentRole.Issuer);

        store.Failing = true;
        var pushed = await registry.Ingest.IngestAsync(caller, Body("FAILS-1"));

        Assert.Equal((IngestOutcome.Created, DocumentsState.Pending), (pushed.Outcome, pushed.Documents));
        Assert.Empty((await registry.Queries.GetAsync(caller, pushed.LicenseId!)).Versions.Single().Documents);
        var job = await JobAsync(registry);
        Assert.Equal(1, job.Attempts);
        Assert.StartsWith("IOException: the store is down", job.LastError, StringComparison.Ordinal);

        // Not due before its backoff: a pass finds nothing.
        store.Failing = false;
        Assert.Equal(0, await Issuance(registry).IssuePendingAsync());
        await MakeDueAsync(registry);
        Assert.Equal(1, await Issuance(registry).IssuePendingAsync());
        Assert.Equal(0, await Issuance(registry).IssuePendingAsync());

        var version = (await registry.Queries.GetAsync(caller, pushed.LicenseId!)).Versions.Single();
        Assert.Equal(["ofd", "pdf"], version.Documents.Select(d => d.Format).Order(StringComparer.Ordinal));
        Assert.Single(await EventsAsync(registry), e => e.Action == AuditActions.Issue && e.LicenseId == pushed.LicenseId!.Value);
    }

    [Fact]
    public async Task A_worker_whose_lease_expired_does_not_attach_a_second_set()
    {
        await using var registry = await StartAsync(settings: new Dictionary<string, string?> { ["Issuance:JobLease"] = "00:00:01" });
        var caller = await registry.ActAsAsync(Health, DepartmentRole.Issuer);
        var results = await BatchAsync(registry, caller, [Body("LEASE-1")]);
        var jobs = registry.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>();
        var queue = new DocumentJobs(jobs, registry.Clock, Issuance(registry).JobLease);

        var slow = await queue.ClaimDueAsync(10, CancellationToken.None);
        Assert.Single(slow);
        Assert.Empty(await queue.ClaimDueAsync(10, CancellationToken.None));   // held: nobody else takes it

        await Task.Delay(TimeSpan.FromSeconds(1.2));                            // the configured lease runs out
        var fast = await queue.ClaimDueAsync(10, CancellationToken.None);
        Assert.Single(fast);
        Assert.Equal(1, await Issuance(registry).IssueAsync(fast, CancellationToken.None));
        Assert.Equal(0, await Issuance(registry).IssueAsync(slow, CancellationToken.None));

        var version = (await registry.Queries.GetAsync(caller, results[0].Result.LicenseId!)).Versions.Single();
        Assert.Equal(2, version.Documents.Count);
        Assert.Single(await EventsAsync(registry), e => e.Action == AuditActions.Issue);
    }

    [PostgresFact]
    public async Task Two_workers_on_one_PostgreSQL_database_seal_every_version_exactly_once()
    {
        await using var database = await TempPostgresDatabase.CreateAsync();
        await using var registry = await StartAsync(settings: new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgresql",
            ["Storage:ConnectionString"] = database.ConnectionString,
            ["Storage:MigrateAtStartup"] = "true",
        });
        var caller = await registry.ActAsAsync(Health, DepartmentRole.Issuer);
        var results = await BatchAsync(registry, caller, Enumerable.Range(0, 150).Select(i => Body("PG-" + i)));
        Assert.All(results, r => Assert.Equal(IngestOutcome.Created, r.Result.Outcome));

        // Two loops claim from one queue at once, as two API processes would.
        var counts = await Task.WhenAll(Task.Run(() => Issuance(registry).IssuePendingAsync()), Task.Run(() => Issuance(registry).IssuePendingAsync()));

        Assert.Equal(150, counts.Sum());
        await using var db = await registry.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync();
        var perVersion = await db.LicenseDocuments.GroupBy(d => d.LicenseVersionRecordId).Select(g => g.Count()).ToListAsync();
        Assert.Equal(150, perVersion.Count);
        Assert.All(perVersion, n => Assert.Equal(2, n));
        Assert.Equal(0, await db.DocumentJobs.CountAsync());
        Assert.Equal(150, (await EventsAsync(registry)).Count(e => e.Action == AuditActions.Issue));
    }

    private static async Task<IssuanceRegistry> StartAsync(Action<IServiceCollection>? configure = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var registry = new IssuanceRegistry(settings ?? new Dictionary<string, string?>(), configure);
        await registry.InitializeAsync();
        return registry;
    }

    private static DocumentIssuance Issuance(IssuanceRegistry registry) => registry.Services.GetRequiredService<DocumentIssuance>();

    private static VerificationService Verifications(IssuanceRegistry registry) => registry.Services.GetRequiredService<VerificationService>();

    private static string Body(string number)
    {
        var body = Submissions.Sample("medical-death-certificate-1.json");
        body[MetadataNames.Number] = number;   // each test has a registry of its own
        return body.ToString(Newtonsoft.Json.Formatting.None);
    }

    private static async Task<List<BatchLineResult>> BatchAsync(IssuanceRegistry registry, DepartmentIdentity caller, IEnumerable<string> bodies)
    {
        using var ndjson = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', bodies) + "\n"));
        var results = new List<BatchLineResult>();
        await foreach (var line in registry.Ingest.IngestBatchAsync(caller, ndjson))
        {
            Assert.Null(line.Result.Error);
            results.Add(line);
        }

        return results;
    }

    private static async Task<DocumentJobRecord> JobAsync(IssuanceRegistry registry)
    {
        await using var db = await registry.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync();
        return await db.DocumentJobs.AsNoTracking().SingleAsync();
    }

    private static async Task MakeDueAsync(IssuanceRegistry registry)
    {
        await using var db = await registry.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync();
        var past = registry.Clock.GetUtcNow().UtcDateTime.AddSeconds(-1);
        await db.DocumentJobs.ExecuteUpdateAsync(u => u.SetProperty(j => j.NotBeforeUtc, past));
    }

    /// <summary>Every event of the log, after what waits in the outbox is appended.</summary>
    private static async Task<List<AuditEntry>> EventsAsync(IssuanceRegistry registry)
    {
        var log = registry.Services.GetRequiredService<AuditLog>();
        await log.AppendOutboxAsync();
        var events = new List<AuditEntry>();
        for (long i = 0, size = await log.SizeAsync(); i < size; i++)
        {
            events.Add((await log.EventAsync(i))!.Entry);
        }

        return events;
    }

    /// <summary>The registry's own store, failing every write while <see cref="Failing"/> is set.</summary>
    private sealed class FailingObjectStore
    {
        public bool Failing { get; set; }

        public IObjectStore Around(IServiceProvider services) => new Store(this, new BlobObjectStore(BlobStores.Create(
            new BlobStoreOptions(), Path.Combine(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value.DataDirectory, "objects"))));

        private sealed class Store(FailingObjectStore owner, IObjectStore inner) : IObjectStore
        {
            public Task<StoredObject> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
                owner.Failing ? throw new IOException("the store is down") : inner.PutAsync(content, cancellationToken);

            public Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken = default) => inner.OpenReadAsync(sha256, cancellationToken);
        }
    }
}
