namespace ElectronicLicense.Licenses.Catalog;

/// <summary>A schema file of the catalog is broken; start-up stops with this message, which names the file.</summary>
public sealed class CatalogException : Exception
{
    /// <summary>Creates the error for <paramref name="file"/>.</summary>
    public CatalogException(string file, string problem)
        : base($"License catalog file '{file}': {problem}")
    {
        File = file;
    }

    /// <summary>The broken file.</summary>
    public string File { get; }
}
