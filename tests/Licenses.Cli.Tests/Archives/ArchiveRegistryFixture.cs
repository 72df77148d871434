using System.Text.Json;
using ElectronicLicense.Cli.Tests.Support;

namespace ElectronicLicense.Cli.Tests.Archives;

/// <summary>A registry holding the valid lines of <c>samples/import.ndjson</c>, and one export of a type's 2025 licenses to a folder.</summary>
public sealed class ArchiveRegistryFixture : IAsyncLifetime
{
    /// <summary>A department of samples/departments.json with the verifier and archivist roles only.</summary>
    public const string Archivist = "11500000MB15040166";

    /// <summary>The sample's 开办许可 type (7 licenses in 2025).</summary>
    public const string TypeCode = "11100000MB0000617G002";

    private readonly TempDirectory temp = new();

    public string DataDirectory => temp.File("registry");

    public string ExportFolder => temp.File("export");

    public string Scratch(string name) => temp.File(name);

    /// <summary>The export of <see cref="TypeCode"/> for 2025.</summary>
    public CliRun Export { get; private set; } = null!;

    /// <summary>颁发日期 of each valid sample line of <see cref="TypeCode"/>, read from the file, not from the registry.</summary>
    public static IReadOnlyList<DateOnly> IssueDatesOfType() =>
        File.ReadLines(Repository.ImportSample)
            .Where((_, index) => !ImportSample.BadLines.Contains(index + 1))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(r => r.GetProperty("证照类型代码").GetString() == TypeCode)
            .Select(r => DateOnly.Parse(r.GetProperty("颁发日期").GetString()!, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

    public async Task InitializeAsync()
    {
        ImportSample.WriteValidLines(temp.File("valid.ndjson"));
        var import = await Elic.RunAsync("import", temp.File("valid.ndjson"), "--data-dir", DataDirectory, "--as", ImportSample.Issuer, "--json");
        Assert.True(import.ExitCode == 0, import.ToString());
        Export = await Elic.RunAsync("archive", "export", "--type", TypeCode, "--issued-from", "2025-01-01", "--issued-to", "2025-12-31",
            "--out", ExportFolder, "--data-dir", DataDirectory, "--as", Archivist);
    }

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Copies one exported bag to a fresh folder, so a test can damage it without touching the shared export.</summary>
    public string CopyOfABag(string name)
    {
        var source = Directory.GetDirectories(ExportFolder).Order(StringComparer.Ordinal).First();
        var copy = Path.Combine(Scratch(name), Path.GetFileName(source));
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }
}
