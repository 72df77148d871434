namespace ElectronicLicense.Seals.Ofd;

/// <summary>Bounds on what <see cref="OfdPackage.TryOpen(ReadOnlyMemory{byte}, OfdReadLimits, out OfdPackage?, out string?)"/> accepts from an untrusted file.</summary>
/// <remarks>
/// The defaults fit any real license or certificate (a few hundred KB, a few dozen entries) with a wide margin and keep a hostile
/// file — a ZIP bomb, millions of entries, an entity expansion — to a bounded amount of memory and time.
/// </remarks>
public sealed class OfdReadLimits
{
    /// <summary>The defaults: 2,000 entries, 100 MB in total, 50 MB per entry, 100:1 compression, 10 M characters per XML file.</summary>
    public static OfdReadLimits Default { get; } = new();

    /// <summary>Largest package (compressed ZIP file) accepted.</summary>
    public long MaxPackageBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>Most entries (files and folders) in the ZIP.</summary>
    public int MaxEntries { get; init; } = 2_000;

    /// <summary>Largest sum of the uncompressed sizes of all entries, measured while inflating.</summary>
    public long MaxTotalUncompressedBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>Largest uncompressed entry, measured while inflating.</summary>
    public long MaxEntryBytes { get; init; } = 50L * 1024 * 1024;

    /// <summary>Largest ratio of uncompressed to compressed size of an entry, measured while inflating.</summary>
    public int MaxCompressionRatio { get; init; } = 100;

    /// <summary>Entries up to this size are not held to <see cref="MaxCompressionRatio"/> (tiny, repetitive XML compresses well).</summary>
    public long CompressionRatioGraceBytes { get; init; } = 1024 * 1024;

    /// <summary>Most characters in one XML file read with <see cref="OfdPackage.TryLoadXml"/>.</summary>
    public long MaxXmlCharacters { get; init; } = 10_000_000;
}
