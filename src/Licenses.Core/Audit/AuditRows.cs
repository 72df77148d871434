using System.Data;
using System.Data.Common;
using System.Text;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ElectronicLicense.Licenses.Audit;

/// <summary>The audit writer's inserts: multi-row statements with parameters, far fewer round trips than one row each.</summary>
internal static class AuditRows
{
    private const int RowsPerStatement = 200;

    // Records stored beside their events, as multi-row INSERTs with EF Core's own table, column names and type mappings
    // (a Guid is stored as EF reads it back: TEXT on SQLite, uuid on PostgreSQL). Measured: SaveChanges of a batch's
    // receipts took ~70% of the writer thread's CPU.
    public static async Task InsertRecordsAsync(RegistryDbContext db, DbConnection connection, DbTransaction transaction, Type type, object[] records)
    {
        var entityType = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not an entity of the registry model.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var properties = entityType.GetProperties().ToArray();
        var columns = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
        // SQL Server takes at most 2,100 parameters per command.
        foreach (var chunk in records.Chunk(Math.Max(1, Math.Min(RowsPerStatement, 2000 / properties.Length))))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var text = new StringBuilder($"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({columns}) VALUES ");
            for (var r = 0; r < chunk.Length; r++)
            {
                text.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < properties.Length; c++)
                {
                    var name = $"@p{r}_{c}";
                    text.Append(c == 0 ? name : ", " + name);
                    var property = properties[c];
                    command.Parameters.Add(property.GetRelationalTypeMapping()
                        .CreateParameter(command, name, property.GetGetter().GetClrValue(chunk[r]), property.IsNullable));
                }

                text.Append(')');
            }

            command.CommandText = text.ToString();
            await command.ExecuteNonQueryAsync();
        }
    }

    // Multi-row INSERTs with parameters: provider-neutral SQL (SQLite and PostgreSQL), far fewer round trips than one row each.
    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, string table, string[] columns, DbType[] types, List<object?[]> rows)
    {
        for (var offset = 0; offset < rows.Count; offset += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, rows.Count - offset);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            for (var r = 0; r < count; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++)
                {
                    var name = $"@p{r}_{c}";
                    sql.Append(c == 0 ? name : ", " + name);
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    parameter.DbType = types[c];
                    parameter.Value = rows[offset + r][c] ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                }

                sql.Append(')');
            }

            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync();
        }
    }
}
