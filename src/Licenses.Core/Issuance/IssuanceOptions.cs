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

    /// <summary>The default <see cref="JobLease"/>.</summary>
    public static readonly TimeSpan DefaultJobLease = TimeSpan.FromMinutes(1);

    /// <summary>How long a worker's claim on a version waiting for its documents holds before another worker may take it.</summary>
    /// <remarks>
    /// Also how long the jobs a killed process held wait after a restart. A worker pass takes seconds; a lease that runs
    /// out mid-pass costs only the wasted rendering, since a version's documents are attached only under the claim that holds it.
    /// </remarks>
    public TimeSpan JobLease { get; set; } = DefaultJobLease;
}
