using Npgsql;

namespace ElectronicLicense.Cli.Tests.Support;

/// <summary>Reads a registry's PostgreSQL database directly, to see what a test's API processes really stored.</summary>
internal static class PostgresQueries
{
    public static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<List<T>> RowsAsync<T>(string connectionString, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>The audit log as stored: index, leaf (JSON) and leaf hash (hex) of every event, in order.</summary>
    public static Task<List<(long Index, System.Text.Json.Nodes.JsonNode Leaf, string Hash)>> AuditEventsAsync(string connectionString) =>
        RowsAsync(connectionString, "SELECT idx, leaf, leaf_hash FROM audit_events ORDER BY idx",
            r => (r.GetInt64(0), System.Text.Json.Nodes.JsonNode.Parse((byte[])r[1])!, Convert.ToHexStringLower((byte[])r[2])));

    /// <summary>The number of documents of each license version, by 证照标识.</summary>
    public static Task<List<(string Id, long Count)>> DocumentsPerVersionAsync(string connectionString) =>
        RowsAsync(connectionString,
            "SELECT v.\"LicenseId\", count(d.\"Id\") FROM license_versions v LEFT JOIN license_documents d ON d.\"LicenseVersionRecordId\" = v.\"Id\" GROUP BY v.\"LicenseId\"",
            r => (r.GetString(0), r.GetInt64(1)));
}
