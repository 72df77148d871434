namespace ElectronicLicense.Licenses.Departments;

/// <summary>How departments are set up (configuration section <c>Departments</c>).</summary>
public sealed class DepartmentOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Departments";

    /// <summary>A <c>departments.json</c> loaded on first start when the registry has no departments; empty to disable.</summary>
    public string? SeedFile { get; set; } = Path.Combine(AppContext.BaseDirectory, "samples", "departments.json");
}
