using System.CommandLine;
using System.Data.Common;
using System.Text.Json;
using ElectronicLicense.Licenses;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Cli.Database;

/// <summary><c>elic db status|migrate|script</c>: the registry database's schema, for its administrator.</summary>
internal static class DbCommand
{
    public const string Name = "db";

    public static Command Create(CliContext context)
    {
        var command = new Command(Name, "The registry database's schema: its migration status, upgrades and their SQL");
        command.Subcommands.Add(Status(context));
        command.Subcommands.Add(Migrate(context));
        command.Subcommands.Add(Script(context));
        return command;
    }

    private sealed record Target(Option<string> DataDirectory, Option<string> Postgres, Option<string> SqlServer, Option<string> Config)
    {
        public static Target Create() => new(
            new Option<string>("--data-dir") { Description = "The registry's data directory (its SQLite database unless a server is given)", HelpName = "dir", DefaultValueFactory = _ => "data" },
            new Option<string>("--postgres") { Description = "The registry's PostgreSQL database", HelpName = "connstring" },
            new Option<string>("--sqlserver") { Description = "The registry's SQL Server database", HelpName = "connstring" },
            new Option<string>("--config") { Description = "The registry's settings (appsettings.json: Storage:Provider, Storage:ConnectionString)", HelpName = "file" });

        public void AddTo(Command command)
        {
            command.Options.Add(DataDirectory);
            command.Options.Add(Postgres);
            command.Options.Add(SqlServer);
            command.Options.Add(Config);
        }

        public ServiceProvider Open(ParseResult parsed, string? provider = null)
        {
            var dataDirectory = parsed.GetValue(DataDirectory)!;
            var settings = RegistrySettings.Read(dataDirectory, parsed.GetValue(Config), parsed.GetValue(Postgres), parsed.GetValue(SqlServer));
            if (provider is not null)
            {
                settings["Storage:Provider"] = provider;
                if (provider != "sqlite" && settings.GetValueOrDefault("Storage:ConnectionString") is null)
                {
                    settings["Storage:ConnectionString"] = "Server=unused";   // the script is generated, not run: nothing connects
                }
            }

            if (RegistryProvider(settings) == "sqlite" && provider is null && !File.Exists(Path.Combine(Path.GetFullPath(dataDirectory), "registry.db"))
                && settings.GetValueOrDefault("Storage:ConnectionString") is null)
            {
                throw new CliException($"--data-dir {dataDirectory}: no registry database (registry.db) there; give --postgres or --sqlserver for a server database.");
            }

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            return new ServiceCollection().AddLicenseRegistry(configuration).BuildServiceProvider();
        }

        private static string RegistryProvider(Dictionary<string, string?> settings) =>
            settings.GetValueOrDefault("Storage:Provider")?.ToLowerInvariant() ?? "sqlite";
    }

    private static Command Status(CliContext context)
    {
        var target = Target.Create();
        var json = new Option<bool>("--json") { Description = "Write the status as JSON" };
        var command = new Command("status", "Applied and pending migrations; exit 0 current, 1 migrations pending, 2 error (also when the database is ahead of this build)");
        target.AddTo(command);
        command.Options.Add(json);
        command.SetAction((parsed, cancellationToken) => RunAsync(target.Open(parsed), async schema =>
        {
            var status = await schema.GetStatusAsync(cancellationToken);
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new
                {
                    provider = status.Provider.ToString(),
                    applied = status.Applied,
                    pending = status.Pending,
                    unknown = status.Unknown,
                    needsBaseline = status.NeedsBaseline,
                    current = status.IsCurrent,
                }, CliJson.Options));
            }
            else
            {
                context.Output.WriteLine($"database: {status.Provider}");
                context.Output.WriteLine($"applied:  {List(status.Applied)}");
                var pending = status.NeedsBaseline
                    ? [status.Pending[0] + " (created before migrations: recorded, not run)", .. status.Pending.Skip(1)]
                    : status.Pending;
                context.Output.WriteLine($"pending:  {List(pending)}");
                if (status.Unknown.Count > 0)
                {
                    context.Output.WriteLine($"unknown:  {List(status.Unknown)} (applied by a newer build)");
                }
            }

            return status.Unknown.Count > 0 ? ExitCodes.Error : status.Pending.Count > 0 ? ExitCodes.Failed : ExitCodes.Success;
        }));
        return command;
    }

    private static Command Migrate(CliContext context)
    {
        var target = Target.Create();
        var command = new Command("migrate", "Apply pending migrations (recording a registry made before migrations as having the first); exit 0 done, 2 error");
        target.AddTo(command);
        command.SetAction((parsed, cancellationToken) => RunAsync(target.Open(parsed), async schema =>
        {
            var before = await schema.GetStatusAsync(cancellationToken);
            var applied = await schema.MigrateAsync(cancellationToken);
            if (before.NeedsBaseline)
            {
                context.Output.WriteLine($"recorded the existing schema as {RegistrySchema.InitialMigration}");
            }

            context.Output.WriteLine(applied.Count == 0 ? "the database is current; nothing to apply." : $"applied: {List(applied)}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Script(CliContext context)
    {
        var target = Target.Create();
        var provider = new Option<string>("--provider") { Description = "Script for this engine without a database: sqlite, postgresql or sqlserver", HelpName = "name" };
        var from = new Option<string>("--from") { Description = "The last migration the database already has (default: none, an empty database)", HelpName = "migration" };
        var baseline = new Option<bool>("--baseline") { Description = "Begin by recording the first migration as applied: for a registry created before migrations" };
        var output = new Option<string>("--out") { Description = "Write the script to this file instead of standard output", HelpName = "file" };
        var command = new Command("script", "Print the SQL of every migration, idempotent where the engine allows (PostgreSQL, SQL Server), for review before it runs");
        target.AddTo(command);
        command.Options.Add(provider);
        command.Options.Add(from);
        command.Options.Add(baseline);
        command.Options.Add(output);
        command.SetAction((parsed, cancellationToken) =>
        {
            var engine = parsed.GetValue(provider)?.ToLowerInvariant();
            if (engine is not null and not ("sqlite" or "postgresql" or "sqlserver"))
            {
                throw new CliException($"--provider must be sqlite, postgresql or sqlserver, got '{engine}'.");
            }

            // The script needs the engine's SQL dialect, not its data: without a database it is made for the named engine.
            var services = engine is null && parsed.GetValue(target.Postgres) is null && parsed.GetValue(target.SqlServer) is null && parsed.GetValue(target.Config) is null
                ? target.Open(parsed, "sqlite")
                : target.Open(parsed, engine);
            return RunAsync(services, async schema =>
            {
                var sql = schema.Script(parsed.GetValue(from), idempotent: true, baseline: parsed.GetValue(baseline));
                if (parsed.GetValue(output) is { } file)
                {
                    await File.WriteAllTextAsync(file, sql, cancellationToken);
                    context.WriteNote($"{schema.Provider} script written to {file}");
                }
                else
                {
                    await context.Output.WriteAsync(sql);
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static async Task<int> RunAsync(ServiceProvider services, Func<RegistrySchema, Task<int>> action)
    {
        await using (services)
        {
            try
            {
                return await action(services.GetRequiredService<RegistrySchema>());
            }
            catch (InvalidOperationException e)
            {
                throw new CliException(e.Message, e);
            }
            catch (Exception e) when (e is DbException or { InnerException: DbException })
            {
                throw new CliException("cannot use the registry database: " + (e.InnerException ?? e).Message, e);
            }
            catch (ArgumentException e) when (e.Message.Contains("migration", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException("--from: " + e.Message, e);
            }
        }
    }

    private static string List(IReadOnlyList<string> migrations) => migrations.Count == 0 ? "none" : string.Join(", ", migrations);
}
