using System.Security.Cryptography.X509Certificates;
using System.Text;
using ElectronicLicense.Licenses.Archiving.BagIt;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Storage;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>
/// Electronic archives: makes the BagIt package of a license version (办结即归档, from the outbox or on demand), stores it in the
/// archive store with its retention, exports selections of packages, and runs 四性检测 on any package.
/// </summary>
public sealed partial class ArchiveService
{
    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly LicenseCatalog catalog;
    private readonly ArchivePackageBuilder builder;
    private readonly ArchiveContentInspector inspector;
    private readonly ArchiveBlobStore store;
    private readonly ArchiveQueue queue;
    private readonly ArchiveExportJobs jobs;
    private readonly IAuditTrail audit;
    private readonly DepartmentDirectory departments;
    private readonly TimeProvider clock;

    internal ArchiveService(
        IDbContextFactory<RegistryDbContext> contexts,
        LicenseCatalog catalog,
        ArchivePackageBuilder builder,
        ArchiveContentInspector inspector,
        ArchiveBlobStore store,
        ArchiveQueue queue,
        ArchiveExportJobs jobs,
        IAuditTrail audit,
        DepartmentDirectory departments,
        TimeProvider clock)
    {
        this.departments = departments;
        this.contexts = contexts;
        this.catalog = catalog;
        this.builder = builder;
        this.inspector = inspector;
        this.store = store;
        this.queue = queue;
        this.jobs = jobs;
        this.audit = audit;
        this.clock = clock;
    }

    /// <summary>Where packages are stored: a folder or <c>s3://bucket/prefix</c>.</summary>
    public string StoreLocation => store.Location;

    /// <summary>Archives one license version now, or returns its package when it is already archived (idempotent).</summary>
    /// <param name="licenseId">The version's 证照标识.</param>
    /// <param name="caseNumber">The closed case it is archived for, or empty for the package made at issue.</param>
    /// <param name="cancellationToken">Cancels before the package is recorded; files already stored are rewritten identically next time.</param>
    /// <exception cref="RegistryException">No such license version.</exception>
    public async Task<ArchivedPackage> ArchiveAsync(LicenseId licenseId, string caseNumber = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(licenseId);
        caseNumber ??= string.Empty;
        if (await FindAsync(licenseId, caseNumber, cancellationToken) is { } existing)
        {
            return existing;
        }

        var content = await builder.BuildAsync(licenseId, caseNumber.Length == 0 ? null : caseNumber, cancellationToken);
        var now = clock.GetUtcNow();
        var enforced = await store.EnforcesRetentionAsync(cancellationToken);
        var retainUntil = RetainUntil(content.Retention, now);
        var prefix = KeyFor(licenseId, caseNumber, content.BaseDirectory);
        var target = new BlobBagTarget(store, prefix, new BlobRetention(retainUntil, LegalHold: retainUntil is null));

        // Every file is stored and read back before the package is recorded: a failure part-way leaves files but no record,
        // and the next attempt rewrites the same keys.
        var writer = new BagWriter(target);
        foreach (var entry in content.Payload)
        {
            await using var stream = await entry.OpenAsync(cancellationToken);
            var written = await writer.AddPayloadAsync(entry.Path, stream, cancellationToken);
            if (written.Sha256 != entry.Sha256)
            {
                throw new InvalidOperationException($"{entry.Path} of {licenseId} changed while it was archived.");
            }
        }

        var result = await writer.CompleteAsync(content.BagInfo, DateOnly.FromDateTime(now.UtcDateTime), cancellationToken);
        var record = new ArchivePackageRecord
        {
            LicenseId = licenseId.Value,
            CaseNumber = caseNumber,
            StoreKey = prefix,
            PackageSha256 = result.PackageDigest,
            ArchivalCode = content.ArchivalCode,
            FileCount = result.PayloadCount,
            Bytes = result.PayloadBytes,
            Retention = ArchiveLayout.RetentionName(content.Retention),
            RetainUntilUtc = retainUntil?.UtcDateTime,
            RetentionEnforced = enforced,
            ArchivedAtUtc = now.UtcDateTime,
        };
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            db.ArchivePackages.Add(record);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another worker recorded the same package first; the files are identical.
            var raced = await FindAsync(licenseId, caseNumber, CancellationToken.None);
            if (raced is null)
            {
                throw;
            }

            return raced;
        }

        await audit.AppendAsync(new AuditEntry
        {
            Action = AuditActions.Archive,
            Outcome = AuditOutcome.Success,
            ActorKind = AuditActorKind.System,
            LicenseId = licenseId.Value,
            TypeCode = licenseId.TypeCode.Value,
            CaseNumber = caseNumber.Length == 0 ? null : caseNumber,
            Detail = $"archived sha256:{result.PackageDigest}",
        }, CancellationToken.None);
        return View(record);
    }

    /// <summary>The package of a license version, or null when it is not archived (yet).</summary>
    public async Task<ArchivedPackage?> FindAsync(LicenseId licenseId, string caseNumber = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(licenseId);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var id = licenseId.Value;
        var record = await db.ArchivePackages.AsNoTracking()
            .SingleOrDefaultAsync(p => p.LicenseId == id && p.CaseNumber == (caseNumber ?? string.Empty), cancellationToken);
        return record is null ? null : View(record);
    }

    /// <summary>Reads a stored package's files.</summary>
    /// <param name="package">A package this service returned (it carries where its files were stored).</param>
    /// <exception cref="ArgumentException">The package was not returned by this service.</exception>
    public IBagSource Open(ArchivedPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (package.StoreKey.Length == 0)
        {
            throw new ArgumentException("Open a package returned by ArchiveAsync or FindAsync: it carries its stored location.", nameof(package));
        }

        return new BlobBagSource(store, package.StoreKey);
    }

    /// <summary>Makes the packages the outbox holds that are due, at most <paramref name="max"/>; returns how many it handled.</summary>
    public Task<int> ProcessQueueAsync(int max, CancellationToken cancellationToken = default) =>
        queue.ProcessDueAsync((id, caseNumber, token) => ArchiveAsync(LicenseId.Parse(id), caseNumber, token), max, cancellationToken);

    /// <summary>Packages queued and not yet made, and those given up after every attempt failed.</summary>
    public Task<(int Pending, int GaveUp)> QueueCountsAsync(CancellationToken cancellationToken = default) => queue.CountAsync(cancellationToken);

    /// <summary>办结即归档 at case closure: queues a package, marked with the case number, of each license version the case used.</summary>
    /// <exception cref="RegistryException">The case number is empty or too long, or a license is not registered.</exception>
    public async Task CloseCaseAsync(DepartmentIdentity caller, string caseNumber, IReadOnlyCollection<LicenseId> licenses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(licenses);
        if (string.IsNullOrWhiteSpace(caseNumber) || caseNumber.Length > 64 || caseNumber.Any(char.IsControl))
        {
            throw RegistryException.Validation("/caseNumber", "the case number (办件编号) must be 1–64 characters without control characters");
        }

        if (licenses.Count is 0 or > 1000)
        {
            throw RegistryException.Validation("/licenseIds", "give 1–1000 证照标识 the case used");
        }

        var ids = licenses.Select(l => l.Value).Distinct().ToList();
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            // One query for all of them; the value-converted identifiers are compared whole.
            var wanted = licenses.DistinctBy(l => l.Value).ToList();
            var registered = (await db.LicenseVersions.AsNoTracking().Where(v => wanted.Contains(v.LicenseId))
                .Select(v => v.LicenseId).ToListAsync(cancellationToken)).Select(l => l.Value).ToHashSet(StringComparer.Ordinal);
            var missing = licenses.Select((l, i) => (l.Value, Index: i)).Where(l => !registered.Contains(l.Value)).ToList();
            if (missing.Count > 0)
            {
                throw new RegistryException(RegistryErrorCodes.LicenseNotFound, $"{missing.DistinctBy(m => m.Value).Count()} of the licenses are not registered.",
                    missing.Select(m => new FieldError($"/licenseIds/{m.Index}", $"no license version {m.Value} is registered")).ToList());
            }
        }

        var trimmed = caseNumber.Trim();
        await queue.EnqueueAsync(ids, ArchiveQueue.CaseClosed, trimmed, cancellationToken);

        // Appended together, the events share the audit log's group commits.
        await Task.WhenAll(ids.Select(id => audit.AppendAsync(caller.Entry(AuditActions.Archive, AuditOutcome.Success) with
        {
            LicenseId = id,
            TypeCode = LicenseId.Parse(id).TypeCode.Value,
            CaseNumber = trimmed,
            Detail = "case-closed queued",
        }, CancellationToken.None)));
    }

    /// <summary>Runs 四性检测 on a package: BagIt validation, the content checks and, for packages this registry archived, the registered digest.</summary>
    /// <param name="bag">The package.</param>
    /// <param name="trustAnchors">CA certificates to check signatures against; null to use those archived in the package (the report says which).</param>
    /// <param name="compareWithRegistry">Look the package up in this registry to compare its digest; when false the check is reported not run.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    public async Task<ArchiveReport> InspectAsync(
        IBagSource bag, IReadOnlyList<X509Certificate2>? trustAnchors = null, bool compareWithRegistry = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bag);
        return await Inspection.RunAsync(bag, inspector, trustAnchors,
            compareWithRegistry ? RegisteredDigestAsync : null, clock, cancellationToken);
    }

    /// <summary>Runs 四性检测 on a package without a registry (the command line's <c>elic archive validate</c>).</summary>
    public static Task<ArchiveReport> InspectOfflineAsync(
        IBagSource bag, IReadOnlyList<X509Certificate2>? trustAnchors, TimeProvider clock, CancellationToken cancellationToken = default) =>
        Inspection.RunAsync(bag, new ArchiveContentInspector(clock), trustAnchors, null, clock, cancellationToken);

    private async Task<(string? Registered, string? Reason)> RegisteredDigestAsync(string licenseId, string caseNumber, CancellationToken cancellationToken)
    {
        if (!LicenseId.TryParse(licenseId, out var id, out _))
        {
            return (null, "its External-Identifier is not a 证照标识");
        }

        var package = await FindAsync(id, caseNumber, cancellationToken);
        return package is null ? (null, "this registry has no package of that license version") : (package.PackageSha256, null);
    }

    private static string KeyFor(LicenseId licenseId, string caseNumber, string bagName) =>
        caseNumber.Length == 0
            ? $"packages/{licenseId.TypeCode.Value}/{bagName}/"
            : $"cases/{Convert.ToHexStringLower(Encoding.UTF8.GetBytes(caseNumber))}/{bagName}/";

    private static DateTimeOffset? RetainUntil(RetentionPeriod retention, DateTimeOffset now) => retention switch
    {
        RetentionPeriod.ThirtyYears => now.AddYears(30),
        RetentionPeriod.TenYears => now.AddYears(10),
        _ => null,
    };

    private ArchivedPackage View(ArchivePackageRecord r) => new(
        r.LicenseId,
        r.CaseNumber,
        BlobBagSource.Describe(store, r.StoreKey),
        r.StoreKey.TrimEnd('/')[(r.StoreKey.TrimEnd('/').LastIndexOf('/') + 1)..],
        r.PackageSha256,
        r.ArchivalCode,
        r.FileCount,
        r.Bytes,
        r.Retention,
        r.RetainUntilUtc is { } until ? new DateTimeOffset(until, TimeSpan.Zero) : null,
        r.RetentionEnforced,
        new DateTimeOffset(r.ArchivedAtUtc, TimeSpan.Zero))
    {
        StoreKey = r.StoreKey,
    };
}
