using System.CommandLine;

namespace ElectronicLicense.Cli.Archives;

/// <summary><c>elic archive export|validate</c>: electronic archive packages for archivists.</summary>
internal static class ArchiveCommand
{
    public const string Name = "archive";

    public static Command Create(CliContext context)
    {
        var command = new Command(Name, "Export license versions as BagIt archive packages, and run 四性检测 on packages");
        command.Subcommands.Add(Export(context));
        command.Subcommands.Add(Validate(context));
        return command;
    }

    private static Command Export(CliContext context)
    {
        var license = new Option<string>("--license") { Description = "Export this license version (证照标识)", HelpName = "id" };
        var type = new Option<string>("--type") { Description = "Export every version of this 证照类型代码 issued in the range", HelpName = "code" };
        var from = new Option<string>("--issued-from") { Description = "With --type: first 颁发日期, inclusive", HelpName = "yyyy-MM-dd" };
        var to = new Option<string>("--issued-to") { Description = "With --type: last 颁发日期, inclusive", HelpName = "yyyy-MM-dd" };
        var output = new Option<string>("--out") { Description = "Folder, or s3://bucket/prefix; one bag {证照标识}-v{version} per version", HelpName = "dir|s3://bucket/prefix", Required = true };
        var dataDirectory = new Option<string>("--data-dir") { Description = "The registry's data directory", HelpName = "dir", Required = true };
        var department = new Option<string>("--as") { Description = "统一社会信用代码 of an archivist department; the export is audited in its name", HelpName = "uscc", Required = true };
        var postgres = new Option<string>("--postgres") { Description = "The registry's PostgreSQL database", HelpName = "connstring" };
        var config = new Option<string>("--config") { Description = "The registry's settings (appsettings.json: Storage:Objects, Archives:Store…)", HelpName = "file" };
        var endpoint = new Option<string>("--s3-endpoint") { Description = "S3-compatible server of an s3:// --out (MinIO); credentials from ELIC_S3_ACCESS_KEY/ELIC_S3_SECRET_KEY", HelpName = "url" };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not show a progress bar" };
        var json = new Option<bool>("--json") { Description = "Write the summary as JSON" };
        var command = new Command("export", "Export packages (made now when not yet archived); exit 0 all exported, 1 some failed, 2 usage error")
        {
            license, type, from, to, output, dataDirectory, department, postgres, config, endpoint, noProgress, json,
        };
        command.SetAction((parsed, cancellationToken) => ArchiveExport.RunAsync(
            context,
            new ArchiveExport.Request(
                parsed.GetValue(license),
                parsed.GetValue(type),
                parsed.GetValue(from),
                parsed.GetValue(to),
                parsed.GetValue(output)!,
                parsed.GetValue(dataDirectory)!,
                parsed.GetValue(department)!,
                parsed.GetValue(postgres),
                parsed.GetValue(config),
                parsed.GetValue(endpoint),
                context.IsTerminal && !parsed.GetValue(noProgress) && !parsed.GetValue(json),
                parsed.GetValue(json)),
            cancellationToken));
        return command;
    }

    private static Command Validate(CliContext context)
    {
        var path = new Argument<string>("location") { Description = "A bag folder, a folder of bags, or s3://bucket/prefix (a bag or a prefix of bags)" };
        var endpoint = new Option<string>("--s3-endpoint") { Description = "S3-compatible server of an s3:// location (MinIO); credentials from ELIC_S3_ACCESS_KEY/ELIC_S3_SECRET_KEY", HelpName = "url" };
        var trust = new Option<string>("--trust") { Description = "Folder of CA certificates to check signatures against, instead of those archived in each package", HelpName = "dir" };
        var dataDirectory = new Option<string>("--data-dir") { Description = "The registry that archived the packages: compare each package digest with the one it registered", HelpName = "dir" };
        var postgres = new Option<string>("--postgres") { Description = "With --data-dir: the registry's PostgreSQL database", HelpName = "connstring" };
        var config = new Option<string>("--config") { Description = "With --data-dir: the registry's settings (appsettings.json)", HelpName = "file" };
        var json = new Option<bool>("--json") { Description = "Write each report as JSON" };
        var command = new Command("validate", "Run 四性检测 on archive packages; exit 0 all valid, 1 any invalid, 2 usage error")
        {
            path, endpoint, trust, dataDirectory, postgres, config, json,
        };
        command.SetAction((parsed, cancellationToken) =>
        {
            var registry = parsed.GetValue(dataDirectory) is { } data
                ? new ArchiveValidate.Registry(data, parsed.GetValue(postgres), parsed.GetValue(config))
                : parsed.GetValue(postgres) is not null || parsed.GetValue(config) is not null
                    ? throw new CliException("--postgres and --config go with --data-dir, the registry to compare package digests with.")
                    : null;
            return ArchiveValidate.RunAsync(
                context, parsed.GetValue(path)!, parsed.GetValue(endpoint), parsed.GetValue(trust), registry, parsed.GetValue(json), cancellationToken);
        });
        return command;
    }
}
