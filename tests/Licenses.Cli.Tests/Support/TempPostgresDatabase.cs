using System.Security.Cryptography;
using Npgsql;

namespace ElectronicLicense.Cli.Tests.Support;

/// <summary>A fresh database on the server of <c>ELIC_TEST_POSTGRES</c>, dropped on dispose.</summary>
internal sealed class TempPostgresDatabase : IAsyncDisposable
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
        var name = "elic_cli_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new TempPostgresDatabase(server, name);
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
