using System.Diagnostics;
using System.Text;

namespace ElectronicLicense.Licenses.Tests.Issuance.Pdf;

/// <summary>Runs the Debian PDF tools (qpdf, poppler-utils) on a rendered file, as an independent reader of what we write.</summary>
internal sealed class PdfTools : IDisposable
{
    private readonly DirectoryInfo directory = System.IO.Directory.CreateTempSubdirectory("elic-pdf-");

    public PdfTools(byte[] pdf)
    {
        File.WriteAllBytes(FilePath, pdf);
    }

    public string FilePath => Path.Combine(directory.FullName, "license.pdf");

    public string Directory => directory.FullName;

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

    public (int ExitCode, string Output, string Error) Run(string tool, IEnumerable<string> options) => Run(tool, [.. options, FilePath]);

    /// <summary>For tools that take an output file name (pdftotext): "-" sends it to standard output.</summary>
    public (int ExitCode, string Output, string Error) RunToStandardOutput(string tool, IEnumerable<string> options) => Run(tool, [.. options, FilePath, "-"]);

    public (int ExitCode, string Output, string Error) RunWithOutput(string tool, IEnumerable<string> options, string outputName) =>
        Run(tool, [.. options, FilePath, Path.Combine(Directory, outputName)]);

    public void Dispose() => directory.Delete(recursive: true);
}
