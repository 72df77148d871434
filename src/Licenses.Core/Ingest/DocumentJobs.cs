using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Ingest;

/// <summary>
/// The issuance outbox: versions stored without their documents yet. A claim is a lease (a conditional update of the
/// job's not-before instant and token), so workers in several processes share the queue and never seal one version
/// twice at once; a worker that dies mid-job leaves its lease to expire and the job is taken up again.
/// </summary>
/// <remarks>
/// Portable SQL only (EF Core updates and deletes): the condition in the <c>WHERE</c> is re-checked on the row each
/// writer locks, so of two claims or two completions of one job exactly one takes effect on every provider.
/// </remarks>
internal sealed class DocumentJobs(IDbContextFactory<RegistryDbContext> contexts, TimeProvider clock, TimeSpan lease)
{
    /// <summary>How long a claim holds a job (<see cref="Issuance.IssuanceOptions.JobLease"/>).</summary>
    public TimeSpan Lease { get; } = lease > TimeSpan.Zero ? lease : throw new ArgumentOutOfRangeException(nameof(lease), lease, "A job lease must be positive.");

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(30);

    /// <summary>A job a worker holds.</summary>
    public sealed record Claim(long JobId, long VersionId, Guid Token, int Attempts);

    /// <summary>Adds the job of <paramref name="version"/> to <paramref name="db"/>; it is saved with the version.</summary>
    /// <param name="db">The context storing the version.</param>
    /// <param name="version">The version, not yet saved.</param>
    /// <param name="now">The transaction's instant.</param>
    /// <param name="claimedBy">The token of a caller that issues the documents itself right after its commit; null to leave the job to the workers.</param>
    /// <param name="lease">How long the caller's claim holds the job.</param>
    public static DocumentJobRecord Add(RegistryDbContext db, LicenseVersionRecord version, DateTime now, Guid? claimedBy, TimeSpan lease) =>
        db.DocumentJobs.Add(new DocumentJobRecord
        {
            Version = version,
            EnqueuedAtUtc = now,
            NotBeforeUtc = claimedBy is null ? now : now + lease,
            ClaimToken = claimedBy,
        }).Entity;

    /// <summary>Claims up to <paramref name="max"/> jobs that are due, oldest first.</summary>
    public async Task<IReadOnlyList<Claim>> ClaimDueAsync(int max, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.DocumentJobs.AsNoTracking()
            .Where(j => j.NotBeforeUtc <= now)
            .OrderBy(j => j.NotBeforeUtc).ThenBy(j => j.Id)
            .Select(j => j.Id)
            .Take(max)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return [];
        }

        var token = Guid.NewGuid();
        var until = now + Lease;
        await db.DocumentJobs
            .Where(j => due.Contains(j.Id) && j.NotBeforeUtc <= now)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.NotBeforeUtc, until).SetProperty(j => j.ClaimToken, token), cancellationToken);
        return await db.DocumentJobs.AsNoTracking()
            .Where(j => j.ClaimToken == token)
            .OrderBy(j => j.Id)
            .Select(j => new Claim(j.Id, j.LicenseVersionRecordId, token, j.Attempts))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Deletes a held job in the transaction that attaches its documents; false when the claim was lost (its lease expired and another worker took it).</summary>
    public static async Task<bool> CompleteAsync(RegistryDbContext db, Claim claim, CancellationToken cancellationToken) =>
        await db.DocumentJobs
            .Where(j => j.Id == claim.JobId && j.ClaimToken == claim.Token)
            .ExecuteDeleteAsync(cancellationToken) == 1;

    /// <summary>Releases a held job after a failed attempt: due again after a backoff that doubles up to half an hour.</summary>
    public async Task FailAsync(Claim claim, Exception error)
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var attempts = claim.Attempts + 1;
        var backoff = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, 5 * Math.Pow(2, Math.Min(attempts - 1, 20))));
        var next = clock.GetUtcNow().UtcDateTime + backoff;

        // The type and message only: rendering, sealing and storage errors name fields and seals, not holder data.
        var reason = $"{error.GetType().Name}: {error.Message}";
        reason = reason.Length > 500 ? reason[..500] : reason;
        await db.DocumentJobs
            .Where(j => j.Id == claim.JobId && j.ClaimToken == claim.Token)
            .ExecuteUpdateAsync(u => u
                .SetProperty(j => j.Attempts, attempts)
                .SetProperty(j => j.NotBeforeUtc, next)
                .SetProperty(j => j.ClaimToken, (Guid?)null)
                .SetProperty(j => j.LastError, reason), CancellationToken.None);
    }

    /// <summary>Versions waiting for their documents, and how many of them have failed at least once.</summary>
    public async Task<(int Waiting, int Failing)> CountAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var waiting = await db.DocumentJobs.CountAsync(cancellationToken);
        var failing = waiting == 0 ? 0 : await db.DocumentJobs.CountAsync(j => j.Attempts > 0, cancellationToken);
        return (waiting, failing);
    }
}
