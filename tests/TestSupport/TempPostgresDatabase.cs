using System.Security.Cryptography;
using Npgsql;

namespace ElectronicLicense.TestSupport;

/// <summary>A fresh database on the server of <c>ELIC_TEST_POSTGRES</c>, dropped on dispose.</summary>
public sealed class TempPostgresDatabase : IAsyncDisposable
{
    private readonly string server;
    private readonly string name;

    private TempPostgresDatabase(string server, string name)
    {
        this.server = server;
        this.name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public string ConnectionString { get; }

    public static async Task<TempPostgresDatabase> CreateAsync()
    {
        var server = PostgresFactAttribute.ConnectionString!;
        var name = "elic_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new TempPostgresDatabase(server, name);
    }

    /// <summary>Runs a SQL script (a plain-format pg_dump, a migration script) in this database, on a connection of its own.</summary>
    /// <remarks>psql meta-commands (lines starting with a backslash, such as pg_dump's <c>\restrict</c>) are not SQL and are left out.</remarks>
    public async Task ExecuteScriptAsync(string sql)
    {
        var statements = string.Join('\n', sql.Split('\n').Where(line => !line.StartsWith('\\')));
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(statements, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
