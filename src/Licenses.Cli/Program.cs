namespace ElectronicLicense.Cli;

/// <summary>The <c>elic</c> entry point; everything else lives in <see cref="CliApp"/> so tests can run commands in-process.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        CliApp.RunAsync(args, new CliContext(Console.Out, Console.Error, isTerminal: !Console.IsOutputRedirected));
}
