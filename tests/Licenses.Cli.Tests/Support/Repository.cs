namespace ElectronicLicense.Cli.Tests.Support;

/// <summary>Paths in the source tree, found by walking up from the test binaries to the solution folder.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "ElectronicLicense.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ElectronicLicense.sln above {AppContext.BaseDirectory}.");
    });

    public static string Root => RootPath.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string ImportSample => Path("samples", "import.ndjson");
}
