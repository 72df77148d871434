namespace ElectronicLicense.Licenses.Persistence;

/// <summary>Where the registry keeps its data (configuration section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Storage";

    /// <summary>Folder for the SQLite database, the object store and demo credentials; default <c>./data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary><c>sqlite</c> (embedded default) or <c>postgresql</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Connection string for PostgreSQL; for SQLite the file <c>registry.db</c> in the data directory is used unless set.</summary>
    public string? ConnectionString { get; set; }
}
