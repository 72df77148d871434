namespace ElectronicLicense.Licenses.Archiving.BagIt;

/// <summary>Where a bag's files are read from: a folder, or a key prefix in an object store.</summary>
public interface IBagSource
{
    /// <summary>The bag's location for reports: a folder path or <c>s3://bucket/prefix</c>.</summary>
    string Location { get; }

    /// <summary>Every file in the bag, as slash-separated paths relative to the bag's base directory, in ordinal order.</summary>
    IAsyncEnumerable<BagFileInfo> ListFilesAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens one file by its relative path, or returns null when there is none.</summary>
    Task<Stream?> OpenAsync(string relativePath, CancellationToken cancellationToken = default);
}

/// <summary>Where a bag's files are written: a folder, or a key prefix in an object store.</summary>
public interface IBagTarget
{
    /// <summary>The bag's location for reports.</summary>
    string Location { get; }

    /// <summary>Writes one file at a slash-separated path relative to the bag's base directory.</summary>
    Task WriteAsync(string relativePath, Stream content, CancellationToken cancellationToken = default);
}

/// <summary>One file of a bag as listed by its source.</summary>
/// <param name="RelativePath">Slash-separated path relative to the bag's base directory, as stored (not normalised).</param>
/// <param name="Length">Length in bytes.</param>
public sealed record BagFileInfo(string RelativePath, long Length)
{
    /// <summary>What the entry is; sources report links and other non-regular entries so a validator can flag them, and never follow them.</summary>
    public BagFileKind Kind { get; init; } = BagFileKind.File;
}

/// <summary>The kind of a bag entry as found by its source.</summary>
public enum BagFileKind
{
    /// <summary>A regular file.</summary>
    File,

    /// <summary>A symbolic link or junction; never followed.</summary>
    Link,

    /// <summary>Anything else that is not a regular file or a directory (device, pipe, socket).</summary>
    Other,
}
