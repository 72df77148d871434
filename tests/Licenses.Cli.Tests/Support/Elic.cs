namespace ElectronicLicense.Cli.Tests.Support;

/// <summary>The result of one in-process <c>elic</c> run.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- out ---\n{Output}\n--- err ---\n{Error}";
}

/// <summary>Runs <c>elic</c> in-process and captures what it writes.</summary>
internal static class Elic
{
    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(null, args);

    /// <summary>Runs with <paramref name="environment"/> as the only environment variables <c>elic</c> can see.</summary>
    public static async Task<CliRun> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(output, error, isTerminal: false) { GetEnvironmentVariable = name => environment.GetValueOrDefault(name) };
        var code = await CliApp.RunAsync(args, context);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public static async Task<CliRun> RunAsync(Func<HttpMessageHandler>? httpHandler, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = httpHandler is null
            ? new CliContext(output, error, isTerminal: false)
            : new CliContext(output, error, isTerminal: false) { CreateHttpHandler = httpHandler };
        var code = await CliApp.RunAsync(args, context);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
