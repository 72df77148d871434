using System.Diagnostics;

namespace ElectronicLicense.Seals.Tests.Pki;

/// <summary>Runs the openssl 3 command line in a scratch directory, as an independent check of what we produce.</summary>
internal sealed class OpenSsl : IDisposable
{
    public OpenSsl()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("pki-openssl-").FullName;
    }

    public string Directory { get; }

    public string Write(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    public string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Runs openssl with <paramref name="arguments"/>; returns the exit code and the combined output.</summary>
    public (int ExitCode, string Output) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Runs openssl and fails the test, showing its output, unless it exits with 0.</summary>
    public string Succeeds(params string[] arguments)
    {
        var (exitCode, output) = Run(arguments);
        Assert.True(exitCode == 0, $"openssl {string.Join(' ', arguments)} exited with {exitCode}:\n{output}");
        return output;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
