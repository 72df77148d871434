namespace ElectronicLicense.Licenses.Sharing;

/// <summary>Grants and 亮证 codes (configuration section <c>Sharing</c>).</summary>
public sealed class SharingOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Sharing";

    /// <summary>The longest window a grant may have; default 366 days.</summary>
    public TimeSpan MaxGrantWindow { get; set; } = TimeSpan.FromDays(366);

    /// <summary>The largest maxUses a grant may have; default 1000.</summary>
    public int MaxGrantUses { get; set; } = 1000;

    /// <summary>How long a 亮证 code can be redeemed; default 5 minutes.</summary>
    public TimeSpan PresentationLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
