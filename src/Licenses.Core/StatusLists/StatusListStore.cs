using ElectronicLicense.Licenses.Lifecycle;
using System.Security.Cryptography;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.StatusLists;

/// <summary>Allocates status-list entries at random and keeps their bits in step with license status, inside the caller's transaction.</summary>
/// <remarks>
/// Indexes are drawn uniformly from the free entries of the open list, so an index says nothing about when or in what order a
/// license was issued. A draw is O(1) expected: up to 64 random probes of the allocation map, then a scan from a random start,
/// which only a nearly full list reaches. Writers of the open list are serialised by a row lock taken first (a no-op UPDATE,
/// the common subset of SQLite and PostgreSQL) and, behind it, by the list's concurrency token.
/// </remarks>
internal sealed class StatusListStore(int listSize)
{
    public int ListSize { get; } = Math.Max(listSize, 131_072);

    /// <summary>The value a version's entry must hold given its license's status.</summary>
    public static StatusListValue ValueOf(LicenseRecord license, LicenseVersionRecord version) =>
        license.Status == LicenseStatus.Revoked ? StatusListValue.Revoked
        : version.SupersededAtUtc is not null || version.Version != license.CurrentVersion ? StatusListValue.Superseded
        : license.Status == LicenseStatus.Suspended ? StatusListValue.Suspended
        : StatusListValue.Valid;

    /// <summary>Allocates one entry per version (tracked, saved with the caller's SaveChanges) and sets its bits.</summary>
    public async Task<IReadOnlyList<StatusListEntryRecord>> AllocateAsync(
        RegistryDbContext db, IReadOnlyList<(LicenseRecord License, LicenseVersionRecord Version)> items, DateTime now, CancellationToken cancellationToken)
    {
        var entries = new List<StatusListEntryRecord>(items.Count);
        if (items.Count == 0)
        {
            return entries;
        }

        // A parameter, not a literal: SQL Server has no FALSE, PostgreSQL no boolean = 0.
        await db.Database.ExecuteSqlAsync($"""UPDATE status_lists SET "Revision" = "Revision" WHERE "Full" = {false}""", cancellationToken);
        var list = await db.StatusLists.Where(l => !l.Full).OrderBy(l => l.Id).FirstOrDefaultAsync(cancellationToken)
            ?? NewList(db, (await db.StatusLists.MaxAsync(l => (int?)l.Id, cancellationToken) ?? 0) + 1, now);
        Detach(list);
        foreach (var (license, version) in items)
        {
            if (list.Used >= list.Size)
            {
                list.Full = true;
                list = NewList(db, list.Id + 1, now);
            }

            var index = FreeIndex(list);
            StatusBits.MarkAllocated(list.Allocated, index);
            StatusBits.Set(list.Bits, index, ValueOf(license, version));
            list.Used++;
            Touch(list, now);
            var entry = new StatusListEntryRecord { StatusListId = list.Id, Index = index, Version = version };
            db.StatusListEntries.Add(entry);
            entries.Add(entry);
        }

        if (list.Used >= list.Size)
        {
            list.Full = true;
        }

        return entries;
    }

    /// <summary>Rewrites the bits of every stored version of <paramref name="license"/> (after a status change or a 变更).</summary>
    public async Task RefreshAsync(RegistryDbContext db, LicenseRecord license, DateTime now, CancellationToken cancellationToken)
    {
        var versionIds = license.Versions.Where(v => v.Id != 0).Select(v => v.Id).ToList();
        if (versionIds.Count == 0)
        {
            return;
        }

        var entries = await db.StatusListEntries.Where(e => versionIds.Contains(e.LicenseVersionRecordId)).ToListAsync(cancellationToken);
        foreach (var group in entries.GroupBy(e => e.StatusListId))
        {
            var list = await db.StatusLists.SingleAsync(l => l.Id == group.Key, cancellationToken);
            Detach(list);
            foreach (var entry in group)
            {
                var version = license.Versions.Single(v => v.Id == entry.LicenseVersionRecordId);
                StatusBits.Set(list.Bits, entry.Index, ValueOf(license, version));
            }

            Touch(list, now);
        }
    }

    private StatusListRecord NewList(RegistryDbContext db, int id, DateTime now)
    {
        var list = new StatusListRecord
        {
            Id = id,
            Size = ListSize,
            Bits = new byte[ListSize / 4],
            Allocated = new byte[(ListSize + 7) / 8],
            UpdatedAtUtc = now,
        };
        db.StatusLists.Add(list);
        return list;
    }

    /// <summary>Gives a tracked list fresh arrays before they are changed in place.</summary>
    /// <remarks>EF keeps the loaded array itself as the original value of a byte[] property, so a change made in place would go unseen.</remarks>
    private static void Detach(StatusListRecord list)
    {
        list.Bits = [.. list.Bits];
        list.Allocated = [.. list.Allocated];
    }

    private static void Touch(StatusListRecord list, DateTime now)
    {
        list.Revision++;
        list.UpdatedAtUtc = now;
    }

    private static int FreeIndex(StatusListRecord list)
    {
        for (var probe = 0; probe < 64; probe++)
        {
            var candidate = RandomNumberGenerator.GetInt32(list.Size);
            if (!StatusBits.IsAllocated(list.Allocated, candidate))
            {
                return candidate;
            }
        }

        var start = RandomNumberGenerator.GetInt32(list.Size);
        for (var i = 0; i < list.Size; i++)
        {
            var candidate = (start + i) % list.Size;
            if (!StatusBits.IsAllocated(list.Allocated, candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("The open status list has no free entry although it is not marked full.");
    }
}
