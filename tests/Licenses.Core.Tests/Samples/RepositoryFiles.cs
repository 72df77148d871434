namespace ElectronicLicense.Licenses.Tests.Samples;

/// <summary>Locates files of the repository (schemas, samples) from the test binaries.</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> RootDirectory = new(FindRoot);

    /// <summary>The directory holding <c>ElectronicLicense.sln</c>.</summary>
    public static string Root => RootDirectory.Value;

    /// <summary>The shipped catalog's schema folder.</summary>
    public static string Schemas => Path.Combine(Root, "schemas");

    /// <summary>Returns the full path of a file under <c>samples/</c>.</summary>
    public static string Sample(params string[] parts) => Path.Combine([Root, "samples", .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ElectronicLicense.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ElectronicLicense.sln above {AppContext.BaseDirectory}.");
    }
}
