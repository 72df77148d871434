using System.Diagnostics;
using System.Text;

namespace ElectronicLicense.Api.Tests.Infrastructure;

/// <summary>Runs the Debian PDF tools (pdfsig, qpdf, pdftoppm) on files in a temporary folder: independent readers of what the registry issues.</summary>
internal sealed class ExternalTools : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("elic-api-");

    public string Folder => directory.FullName;

    public string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(directory.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static (int ExitCode, string Output, string Error) Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), $"{tool} did not finish in a minute");
        return (process.ExitCode, output, error.Result);
    }

    public void Dispose() => directory.Delete(recursive: true);
}
