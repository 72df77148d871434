namespace ElectronicLicense.Licenses.Catalog;

/// <summary>Where the catalog's schema files are (configuration section <c>Catalog</c>).</summary>
public sealed class CatalogOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Catalog";

    /// <summary>Folder of <c>*.schema.json</c> files; default: the <c>schemas</c> folder shipped beside the program.</summary>
    public string SchemaDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "schemas");
}
