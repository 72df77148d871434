namespace ElectronicLicense.Licenses.Issuance;

/// <summary>How licenses are rendered (configuration section <c>Issuance</c>).</summary>
public sealed class IssuanceOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Issuance";

    /// <summary>The Debian fonts-lxgw-wenkai font, the default <see cref="FontPath"/>.</summary>
    public const string DefaultFontPath = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf";

    /// <summary>A TrueType (.ttf, glyf outlines) font with CJK glyphs; a subset of it is embedded in every license.</summary>
    public string FontPath { get; set; } = DefaultFontPath;

    /// <summary>How often the background worker looks for versions still waiting for their documents when nothing woke it.</summary>
    /// <remarks>A batch wakes it at once; the poll finds jobs that another process queued or that a crash left.</remarks>
    public TimeSpan WorkerPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
