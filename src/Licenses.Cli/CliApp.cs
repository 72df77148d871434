using System.CommandLine;
using ElectronicLicense.Cli.Archives;
using ElectronicLicense.Cli.Audit;
using ElectronicLicense.Cli.Catalog;
using ElectronicLicense.Cli.Database;
using ElectronicLicense.Cli.Identifiers;
using ElectronicLicense.Cli.Import;
using ElectronicLicense.Cli.Qr;
using ElectronicLicense.Cli.Seals;
using ElectronicLicense.Cli.Verification;

namespace ElectronicLicense.Cli;

/// <summary>The <c>elic</c> command line: builds the command tree and runs one invocation.</summary>
internal static class CliApp
{
    /// <summary>Runs <c>elic</c> with <paramref name="args"/>, writing results to <paramref name="output"/> and diagnostics to <paramref name="error"/>.</summary>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, new CliContext(output, error, isTerminal: false), cancellationToken);

    /// <summary>Runs <c>elic</c> in a prepared context.</summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("elic: tools for the electronic license registry (电子证照库)");
        root.Subcommands.Add(CatalogCommand.Create(context));
        root.Subcommands.Add(IdCommand.Create(context));
        root.Subcommands.Add(ImportCommand.Create(context));
        root.Subcommands.Add(VerifyCommand.Create(context));
        root.Subcommands.Add(SealCommand.Create(context));
        root.Subcommands.Add(AuditCommand.Create(context));
        root.Subcommands.Add(QrCommand.Create(context));
        root.Subcommands.Add(ArchiveCommand.Create(context));
        root.Subcommands.Add(DbCommand.Create(context));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && !AsksForHelp(args))
        {
            foreach (var parseError in parsed.Errors)
            {
                context.WriteError(parseError.Message);
            }

            context.WriteError($"run '{string.Join(' ', CommandPath(parsed.CommandResult.Command, root))} --help' for usage.");
            return UsageErrorCode(parsed.CommandResult.Command, root);
        }

        try
        {
            return await parsed.InvokeAsync(
                new InvocationConfiguration
                {
                    Output = context.Output,
                    Error = context.Error,
                    EnableDefaultExceptionHandler = false,

                    // Ctrl+C / SIGTERM cancel the running command, which then reports what was stored so far.
                    ProcessTerminationTimeout = TimeSpan.FromSeconds(10),
                },
                cancellationToken);
        }
        catch (CliException e)
        {
            context.WriteError(e.Message);
            return e.ExitCode ?? UsageErrorCode(parsed.CommandResult.Command, root);
        }
        catch (OperationCanceledException)
        {
            context.WriteError("cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            // A bug or an environment problem nobody anticipated: say what it was, without a stack trace full of internals.
            context.WriteError($"unexpected {e.GetType().Name}: {e.Message}");
            return UsesVerdictExitCodes(parsed.CommandResult.Command, root) ? ExitCodes.Software : ExitCodes.Error;
        }
    }

    /// <summary>2 for most commands; 64 for those whose 2 means INDETERMINATE (see <see cref="ExitCodes"/>).</summary>
    private static int UsageErrorCode(Command command, RootCommand root) =>
        UsesVerdictExitCodes(command, root) ? ExitCodes.Usage : ExitCodes.Error;

    private static bool UsesVerdictExitCodes(Command command, RootCommand root) =>
        CommandPath(command, root).Skip(1).FirstOrDefault() is VerifyCommand.Name or SealCommand.Name or AuditCommand.Name or QrCommand.Name;

    private static bool AsksForHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");

    private static IEnumerable<string> CommandPath(Command command, RootCommand root)
    {
        var names = new Stack<string>();
        for (Command? current = command; current is not null && current != root; current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Push(current.Name);
        }

        names.Push("elic");
        return names;
    }
}
