namespace ElectronicLicense.Cli;

/// <summary>A problem that stops a command before it can produce a result; the message is shown as is.</summary>
/// <remarks>The exit code is <see cref="ExitCode"/> when set, else the command's usage-error code (2, or 64 for <c>verify</c> and <c>seal</c>).</remarks>
internal sealed class CliException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The exit code to end with, or null for the command's usage-error code.</summary>
    public int? ExitCode { get; init; }
}
