using System.CommandLine;

namespace ElectronicLicense.Cli.Import;

/// <summary><c>elic import</c>: 归集 of an NDJSON file, through the HTTP API or straight into a data directory.</summary>
internal static class ImportCommand
{
    /// <summary>Environment variable read when <c>--token</c> is not given, so the token stays out of shell history.</summary>
    public const string TokenVariable = "ELIC_TOKEN";

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "NDJSON file: one license body per line (UTF-8)" };
        var api = new Option<string>("--api") { Description = "Registry base address, e.g. https://elic.example.gov.cn", HelpName = "url" };
        var token = new Option<string>("--token") { Description = $"Bearer token of an issuer department (default: ${TokenVariable})", HelpName = "token" };
        var dataDirectory = new Option<string>("--data-dir") { Description = "Import straight into this registry data directory instead of --api", HelpName = "dir" };
        var department = new Option<string>("--as") { Description = "With --data-dir: the issuing department's 统一社会信用代码", HelpName = "uscc" };
        var postgres = new Option<string>("--postgres") { Description = "With --data-dir: store in this PostgreSQL database", HelpName = "connstring" };
        var linesPerRequest = new Option<int>("--lines-per-request")
        {
            Description = $"With --api: lines sent per request (default {HttpImporter.DefaultLinesPerRequest})",
            HelpName = "n",
            DefaultValueFactory = _ => HttpImporter.DefaultLinesPerRequest,
        };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not show a progress bar" };
        var json = new Option<bool>("--json") { Description = "Write the summary and rejected lines as JSON" };

        var command = new Command("import", "Push the licenses of an NDJSON file (归集); exit code 0 when all are stored, 1 when some were rejected")
        {
            file, api, token, linesPerRequest, dataDirectory, department, postgres, noProgress, json,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var path = parsed.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CliException($"file not found: {path}");
            }

            await using var importer = await OpenAsync(
                context,
                parsed.GetValue(api),
                parsed.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable),
                parsed.GetValue(dataDirectory),
                parsed.GetValue(department),
                parsed.GetValue(postgres),
                parsed.GetValue(linesPerRequest),
                cancellationToken);
            var showProgress = context.IsTerminal && !parsed.GetValue(noProgress) && !parsed.GetValue(json);
            return await ImportRenderer.RunAsync(context, importer, path, showProgress, parsed.GetValue(json), cancellationToken);
        });
        return command;
    }

    private static async Task<IImporter> OpenAsync(
        CliContext context,
        string? api,
        string? token,
        string? dataDirectory,
        string? department,
        string? postgres,
        int linesPerRequest,
        CancellationToken cancellationToken)
    {
        if ((api is null) == (dataDirectory is null))
        {
            throw new CliException("give either --api <url> (with --token) or --data-dir <dir> (with --as).");
        }

        if (dataDirectory is not null)
        {
            if (department is null)
            {
                throw new CliException("--data-dir needs --as <统一社会信用代码 of the issuing department>.");
            }

            return await LocalImporter.OpenAsync(context, dataDirectory, department, postgres, cancellationToken);
        }

        if (department is not null || postgres is not null)
        {
            throw new CliException("--as and --postgres go with --data-dir; with --api the token says who is pushing.");
        }

        if (!Uri.TryCreate(api, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliException($"--api must be an absolute http:// or https:// address, got '{api}'.");
        }

        if (string.IsNullOrWhiteSpace(token))
        {
            throw new CliException($"--api needs --token <department credential> (or the {TokenVariable} environment variable).");
        }

        if (linesPerRequest is < 1 or > 100_000)
        {
            throw new CliException($"--lines-per-request must be 1–100000, got {linesPerRequest}.");
        }

        if (uri.Scheme == "http" && !uri.IsLoopback)
        {
            context.WriteNote("warning: the token is sent over plain http; use https outside a local test set-up.");
        }

        return new HttpImporter(uri, token.Trim(), context.CreateHttpHandler(), linesPerRequest);
    }
}
