using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>
/// The durable queue of packages to make (an outbox table). Rows are written in the transaction that stores what they
/// archive; a worker claims due rows, makes the packages and marks them done, retrying failures with backoff.
/// </summary>
/// <remarks>
/// A claim is a conditional update of the row's next-attempt time (a lease), so two workers on one database never make
/// the same package at once; a worker that dies mid-package leaves the lease to expire and the row is taken up again.
/// Making a package is idempotent, so a package made twice (lease expired while the first was still writing) is one package.
/// </remarks>
internal sealed class ArchiveQueue(IDbContextFactory<RegistryDbContext> contexts, TimeProvider clock, ArchiveOptions options)
{
    /// <summary>The trigger of packages queued when a version is stored.</summary>
    public const string Issued = "issued";

    /// <summary>The trigger of packages queued when a case that used the license closes.</summary>
    public const string CaseClosed = "case-closed";

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(30);

    /// <summary>A new queue row for <paramref name="licenseId"/>, due after the settle delay.</summary>
    public static ArchiveOutboxRecord Entry(string licenseId, string trigger, string caseNumber, DateTime nowUtc) => new()
    {
        LicenseId = licenseId,
        Trigger = trigger,
        CaseNumber = caseNumber,
        EnqueuedAtUtc = nowUtc,
        NextAttemptAtUtc = nowUtc,
    };

    /// <summary>Queues packages for licenses (e.g. those a closed case used), in one transaction.</summary>
    public async Task EnqueueAsync(IReadOnlyCollection<string> licenseIds, string trigger, string caseNumber, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        db.ArchiveOutbox.AddRange(licenseIds.Select(id => Entry(id, trigger, caseNumber, now)));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Makes the packages that are due, at most <paramref name="max"/>; returns how many rows it handled (done or failed).</summary>
    /// <param name="archive">Makes one package: license id and case number (empty for the package made at issue).</param>
    /// <param name="max">Rows to handle in this pass.</param>
    /// <param name="cancellationToken">Stops between packages.</param>
    public async Task<int> ProcessDueAsync(Func<string, string, CancellationToken, Task> archive, int max, CancellationToken cancellationToken = default)
    {
        var handled = 0;
        while (handled < max)
        {
            var claimed = await ClaimAsync(cancellationToken);
            if (claimed is null)
            {
                break;
            }

            handled++;
            try
            {
                await archive(claimed.LicenseId, claimed.CaseNumber, cancellationToken);
                await CompleteAsync(claimed.Id);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Left claimed: the lease expires and the row is taken up again.
                throw;
            }
            catch (Exception e)
            {
                await FailAsync(claimed, e);
            }
        }

        return handled;
    }

    /// <summary>Counts rows not yet done: due or waiting, and those that gave up after <see cref="ArchiveOptions.MaxAttempts"/>.</summary>
    public async Task<(int Pending, int GaveUp)> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var open = db.ArchiveOutbox.Where(r => r.CompletedAtUtc == null);
        var gaveUp = await open.CountAsync(r => r.Attempts >= options.MaxAttempts, cancellationToken);
        return (await open.CountAsync(cancellationToken) - gaveUp, gaveUp);
    }

    private async Task<ArchiveOutboxRecord?> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var settled = now - options.SettleDelay;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var candidate = await db.ArchiveOutbox.AsNoTracking()
                .Where(r => r.CompletedAtUtc == null && r.NextAttemptAtUtc <= now && r.EnqueuedAtUtc <= settled && r.Attempts < options.MaxAttempts)
                .OrderBy(r => r.Id)
                .FirstOrDefaultAsync(cancellationToken);
            if (candidate is null)
            {
                return null;
            }

            var previous = candidate.NextAttemptAtUtc;
            var leasedUntil = now + Lease;
            var won = await db.ArchiveOutbox
                .Where(r => r.Id == candidate.Id && r.NextAttemptAtUtc == previous && r.CompletedAtUtc == null)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.NextAttemptAtUtc, leasedUntil), cancellationToken);
            if (won == 1)
            {
                candidate.NextAttemptAtUtc = leasedUntil;
                return candidate;
            }
        }

        return null;
    }

    private async Task CompleteAsync(long id)
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var now = clock.GetUtcNow().UtcDateTime;
        await db.ArchiveOutbox.Where(r => r.Id == id)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.CompletedAtUtc, now).SetProperty(r => r.LastError, (string?)null), CancellationToken.None);
    }

    private async Task FailAsync(ArchiveOutboxRecord claimed, Exception error)
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var attempts = claimed.Attempts + 1;
        var backoff = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, 5 * Math.Pow(2, attempts - 1)));
        var next = clock.GetUtcNow().UtcDateTime + backoff;

        // The type and message only: failures come from storage and package building, which never put holder data in messages.
        var reason = $"{error.GetType().Name}: {error.Message}";
        reason = reason.Length > 500 ? reason[..500] : reason;
        await db.ArchiveOutbox.Where(r => r.Id == claimed.Id)
            .ExecuteUpdateAsync(u => u
                .SetProperty(r => r.Attempts, attempts)
                .SetProperty(r => r.NextAttemptAtUtc, next)
                .SetProperty(r => r.LastError, reason), CancellationToken.None);
    }
}
