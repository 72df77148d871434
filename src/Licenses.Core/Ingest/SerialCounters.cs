using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Lifecycle;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Ingest;

/// <summary>The per type, issuer and year counters behind the serial of a 证照标识.</summary>
internal static class SerialCounters
{
    /// <summary>Reserves, per type and year, one serial for every license of the chunk that will be created.</summary>
    /// <remarks>
    /// <c>UPDATE … RETURNING</c> increments the counter atomically and holds its row lock until commit, so concurrent
    /// writers queue instead of failing; a rolled-back chunk releases its block with it. Serials are
    /// <c>{year}{sequence:000000}</c>; gaps are possible when a concurrent duplicate loses, as with any sequence.
    /// The SQL is the common subset of SQLite (3.35+) and PostgreSQL.
    /// </remarks>
    public static async Task<SerialBlocks> ReserveAsync(
        RegistryDbContext db,
        IEnumerable<LicenseSubmission> submissions,
        Func<(LicenseTypeCode, string), bool> exists,
        string issuer,
        CancellationToken cancellationToken)
    {
        var created = new HashSet<(LicenseTypeCode, string)>();
        var needed = new Dictionary<(LicenseTypeCode Type, int Year), int>();
        foreach (var submission in submissions)
        {
            var key = (submission.Type.Code, submission.Number);
            if (License.RefuseCreation(submission.ChangeReason) is null && !exists(key) && created.Add(key))
            {
                needed[(submission.Type.Code, submission.IssueDate.Year)] = needed.GetValueOrDefault((submission.Type.Code, submission.IssueDate.Year)) + 1;
            }
        }

        var blocks = new SerialBlocks();
        // A fixed lock order: two chunks needing the same two counters can never deadlock.
        foreach (var ((type, year), count) in needed.OrderBy(n => n.Key.Type.Value, StringComparer.Ordinal).ThenBy(n => n.Key.Year))
        {
            var code = type.Value;
            long next;
            if (RegistryDatabase.ProviderOf(db.Database) == DatabaseProvider.SqlServer)
            {
                // T-SQL has neither ON CONFLICT nor RETURNING; the range lock keeps two first inserts of a counter apart.
                await db.Database.ExecuteSqlAsync(
                    $"""IF NOT EXISTS (SELECT 1 FROM serial_counters WITH (UPDLOCK, HOLDLOCK) WHERE "TypeCode" = {code} AND "IssuerCode" = {issuer} AND "Year" = {year}) INSERT INTO serial_counters ("TypeCode", "IssuerCode", "Year", "Next") VALUES ({code}, {issuer}, {year}, 1)""",
                    cancellationToken);
                next = (await db.Database.SqlQuery<long>(
                    $"""UPDATE serial_counters SET "Next" = "Next" + {count} OUTPUT INSERTED."Next" AS "Value" WHERE "TypeCode" = {code} AND "IssuerCode" = {issuer} AND "Year" = {year}""")
                    .ToListAsync(cancellationToken)).Single();
            }
            else
            {
                await db.Database.ExecuteSqlAsync(
                    $"""INSERT INTO serial_counters ("TypeCode", "IssuerCode", "Year", "Next") VALUES ({code}, {issuer}, {year}, 1) ON CONFLICT DO NOTHING""",
                    cancellationToken);
                next = (await db.Database.SqlQuery<long>(
                    $"""UPDATE serial_counters SET "Next" = "Next" + {count} WHERE "TypeCode" = {code} AND "IssuerCode" = {issuer} AND "Year" = {year} RETURNING "Next" AS "Value" """)
                    .ToListAsync(cancellationToken)).Single();
            }

            blocks.Add(type, year, next - count);
        }

        return blocks;
    }

    /// <summary>The serials a chunk reserved, handed out in order.</summary>
    internal sealed class SerialBlocks
    {
        private readonly Dictionary<(LicenseTypeCode, int), long> next = [];

        public void Add(LicenseTypeCode type, int year, long first) => next[(type, year)] = first;

        public string Next(LicenseTypeCode type, int year)
        {
            var sequence = next[(type, year)]++;
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{year:0000}{sequence:000000}");
        }
    }
}
