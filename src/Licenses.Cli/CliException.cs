namespace ElectronicLicense.Cli;

/// <summary>A problem that stops a command before it can produce a result (exit code 2); the message is shown as is.</summary>
internal sealed class CliException(string message, Exception? inner = null) : Exception(message, inner);
