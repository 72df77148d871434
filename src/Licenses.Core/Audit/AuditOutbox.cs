using System.Data;
using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using ElectronicLicense.Licenses.Persistence;

namespace ElectronicLicense.Licenses.Audit;

/// <summary>
/// The audit outbox: a service that changes the registry writes the change's event in the change's own transaction, so
/// the event is durable exactly when the change is; the log then appends it and deletes the row in one transaction.
/// </summary>
/// <remarks>
/// A crash at any point loses nothing that was committed (the row waits), and an event is never appended twice (the row
/// goes with its append). Several processes on one database share the outbox: on PostgreSQL and SQL Server a claim skips
/// rows another writer holds; SQLite has a single writer.
/// </remarks>
internal static class AuditOutbox
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Adds <paramref name="entry"/> to the outbox of <paramref name="db"/>; it is stored by the context's next save.</summary>
    public static void Add(RegistryDbContext db, AuditEntry entry, DateTime atUtc)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.Action);
        db.AuditOutbox.Add(new AuditOutboxRecord
        {
            AtUnixMs = new DateTimeOffset(atUtc, TimeSpan.Zero).ToUnixTimeMilliseconds(),
            Entry = JsonSerializer.Serialize(entry, Json),
        });
    }

    /// <summary>After a commit that wrote outbox rows: appends them now, so the log is current when the caller is answered.</summary>
    /// <remarks>
    /// Not cancelled by a departing caller, and a failure is not the change's: the change and its events are committed,
    /// and the log's next pass appends them.
    /// </remarks>
    public static async Task AppendCommittedAsync(IAuditTrail? audit)
    {
        if (audit is null)
        {
            return;
        }

        try
        {
            await audit.AppendOutboxAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // Whatever the log's trouble, the events wait in the outbox for its next pass.
        }
    }

    /// <summary>An event the outbox holds.</summary>
    public sealed record Waiting(long Id, DateTimeOffset AtUtc, AuditEntry Entry);

    /// <summary>Whether anything waits; read outside a transaction, so an idle poll takes no write lock.</summary>
    public static async Task<bool> AnyAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(id) FROM audit_outbox";
        return await command.ExecuteScalarAsync(cancellationToken) is not (null or DBNull);
    }

    /// <summary>Claims the oldest waiting events, at most <paramref name="max"/>, for the transaction that appends them.</summary>
    public static async Task<IReadOnlyList<Waiting>> ClaimAsync(DbConnection connection, DbTransaction transaction, DatabaseProvider provider, int max)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = provider switch
        {
            // Rows locked by another process's append are skipped, not waited for: each writer takes its own.
            DatabaseProvider.PostgreSql => "SELECT id, at_unix_ms, entry FROM audit_outbox ORDER BY id LIMIT @max FOR UPDATE SKIP LOCKED",
            DatabaseProvider.SqlServer => "SELECT TOP (@max) id, at_unix_ms, entry FROM audit_outbox WITH (UPDLOCK, READPAST, ROWLOCK) ORDER BY id",
            _ => "SELECT id, at_unix_ms, entry FROM audit_outbox ORDER BY id LIMIT @max",
        };
        var limit = command.CreateParameter();
        limit.ParameterName = "@max";
        limit.DbType = DbType.Int32;
        limit.Value = max;
        command.Parameters.Add(limit);

        var claimed = new List<Waiting>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var entry = Read(reader.GetInt64(0), reader.GetString(2));
            claimed.Add(new Waiting(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), entry));
        }

        return claimed;
    }

    private static AuditEntry Read(long id, string json)
    {
        try
        {
            return JsonSerializer.Deserialize<AuditEntry>(json, Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            // The row stays for an operator: nothing after it is appended until it is mended, and nothing is lost.
            throw new InvalidOperationException($"Audit outbox: row {id} is not an audit event ({e.Message}).", e);
        }
    }

    /// <summary>Deletes the rows whose events the transaction appended.</summary>
    public static async Task DeleteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Waiting> appended)
    {
        const int PerStatement = 500;
        for (var start = 0; start < appended.Count; start += PerStatement)
        {
            var part = appended.Skip(start).Take(PerStatement).ToArray();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM audit_outbox WHERE id IN (" + string.Join(", ", part.Select((_, i) => "@p" + i)) + ")";
            for (var i = 0; i < part.Length; i++)
            {
                var p = command.CreateParameter();
                p.ParameterName = "@p" + i;
                p.DbType = DbType.Int64;
                p.Value = part[i].Id;
                command.Parameters.Add(p);
            }

            var deleted = await command.ExecuteNonQueryAsync();
            if (deleted != part.Length)
            {
                // Another writer appended some of these (possible only where claims do not lock): roll back, reload, retry.
                throw new OutboxRaceException();
            }
        }
    }

    /// <summary>The rows a transaction claimed were taken by another writer; the transaction must not commit.</summary>
    public sealed class OutboxRaceException() : DbException("Audit outbox: another writer appended the same events first.");
}
