namespace ElectronicLicense.TestSupport;

/// <summary>Files of the repository the tests run from (samples, schemas, fixtures).</summary>
public static class RepositoryFiles
{
    /// <summary>The repository root: the nearest folder above the test binaries holding <c>ElectronicLicense.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path under the repository root.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>Copies the folder <paramref name="source"/> (recursively) into a new temporary folder and returns it.</summary>
    public static DirectoryInfo CopyToTemporary(string source, string prefix)
    {
        var target = Directory.CreateTempSubdirectory(prefix);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = System.IO.Path.Combine(target.FullName, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        return target;
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "ElectronicLicense.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("ElectronicLicense.sln not found above " + AppContext.BaseDirectory);
    }
}
