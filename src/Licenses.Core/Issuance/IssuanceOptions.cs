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
}
