using Spectre.Console;

namespace ElectronicLicense.Cli;

/// <summary>Where a command writes and what it may use; tests build one over string writers.</summary>
internal sealed class CliContext
{
    /// <summary>Width used when the output is not a terminal, so tables of Chinese text are not wrapped mid-word in files and tests.</summary>
    private const int RedirectedWidth = 200;

    /// <summary>Creates a context writing to <paramref name="output"/> and <paramref name="error"/>.</summary>
    /// <param name="output">Results: tables, summaries, JSON.</param>
    /// <param name="error">Diagnostics.</param>
    /// <param name="isTerminal">Whether <paramref name="output"/> is an interactive terminal (colours, live progress).</param>
    public CliContext(TextWriter output, TextWriter error, bool isTerminal)
    {
        Output = output;
        Error = error;
        IsTerminal = isTerminal;
        Out = CreateConsole(output, isTerminal);
        Err = CreateConsole(error, isTerminal);
    }

    /// <summary>The raw result writer, for machine-readable output.</summary>
    public TextWriter Output { get; }

    /// <summary>The raw diagnostics writer.</summary>
    public TextWriter Error { get; }

    /// <summary>Whether the output is an interactive terminal.</summary>
    public bool IsTerminal { get; }

    /// <summary>Rich output (tables, progress).</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Rich diagnostics.</summary>
    public IAnsiConsole Err { get; }

    /// <summary>Creates the HTTP handler for <c>elic import --api</c>; tests substitute an in-process server's handler.</summary>
    public Func<HttpMessageHandler> CreateHttpHandler { get; init; } = () => new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = System.Net.DecompressionMethods.All,
    };

    /// <summary>The clock, for the validity of new seals; tests substitute a fixed one.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Reads an environment variable (key passwords); tests substitute a dictionary.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Writes one diagnostic line, never interpreted as markup.</summary>
    public void WriteError(string message) => WriteDiagnostic("elic: " + message, Color.Red);

    /// <summary>Writes one informational line to the diagnostics, so results on the output stay clean for pipes.</summary>
    public void WriteNote(string message) => WriteDiagnostic(message, Color.Yellow);

    private void WriteDiagnostic(string message, Color colour)
    {
        if (IsTerminal)
        {
            Err.WriteLine(message, new Style(colour));
        }
        else
        {
            // Unwrapped, so that logs and tests see each message on one line.
            Error.WriteLine(message);
        }
    }

    private static IAnsiConsole CreateConsole(TextWriter writer, bool isTerminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (!isTerminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
