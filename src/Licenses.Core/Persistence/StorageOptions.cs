namespace ElectronicLicense.Licenses.Persistence;

/// <summary>Where the registry keeps its data (configuration section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Storage";

    /// <summary>Folder for the SQLite database, the object store and demo credentials; default <c>./data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary><c>sqlite</c> (embedded default), <c>postgresql</c> or <c>sqlserver</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Whether start-up applies pending migrations; unset means yes for SQLite and no for server databases.</summary>
    /// <remarks>
    /// A server database is upgraded by its administrator (<c>elic db migrate</c>, or the script of <c>elic db script</c>);
    /// until then the registry refuses to start on it. Set <c>true</c> where the registry owns its database.
    /// </remarks>
    public bool? MigrateAtStartup { get; set; }

    /// <summary>Connection string for PostgreSQL or SQL Server; for SQLite the file <c>registry.db</c> in the data directory is used unless set.</summary>
    public string? ConnectionString { get; set; }
}
