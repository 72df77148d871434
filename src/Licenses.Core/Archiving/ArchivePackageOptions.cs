namespace ElectronicLicense.Licenses.Archiving;

/// <summary>What archive packages say about their maker (configuration section <c>Archives</c>, beside <see cref="ArchiveOptions"/>).</summary>
public sealed class ArchivePackageOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Archives";

    /// <summary>The <c>Source-Organization</c> of every package: the registry's operator; default 电子证照登记系统.</summary>
    public string SourceOrganization { get; set; } = "电子证照登记系统";
}
