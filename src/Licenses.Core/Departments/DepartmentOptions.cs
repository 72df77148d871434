namespace ElectronicLicense.Licenses.Departments;

/// <summary>How departments are set up (configuration section <c>Departments</c>).</summary>
public sealed class DepartmentOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Departments";

    /// <summary>A <c>departments.json</c> loaded on first start when the registry has no departments; empty to disable.</summary>
    public string? SeedFile { get; set; } = Path.Combine(AppContext.BaseDirectory, "samples", "departments.json");

    /// <summary>How long a successful bearer-token lookup is reused without asking the database; default 5 seconds, zero to always ask.</summary>
    /// <remarks>
    /// <see cref="DepartmentDirectory.RevokeCredentialAsync"/> takes effect at once; a credential revoked by editing the
    /// database directly is refused at most this long afterwards.
    /// </remarks>
    public TimeSpan CredentialCacheDuration { get; set; } = TimeSpan.FromSeconds(5);
}
