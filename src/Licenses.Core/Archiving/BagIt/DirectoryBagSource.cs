using System.Runtime.CompilerServices;

namespace ElectronicLicense.Licenses.Archiving.BagIt;

/// <summary>Reads a bag from a folder on disk (the folder is the bag's base directory).</summary>
/// <remarks>
/// Lists every entry under the folder; symbolic links are listed as <see cref="BagFileKind.Link"/> and never followed,
/// and <see cref="OpenAsync"/> refuses any path that leaves the folder or passes through a link.
/// </remarks>
public sealed class DirectoryBagSource : IBagSource
{
    private readonly string root;

    /// <summary>Reads the bag in <paramref name="directory"/>.</summary>
    public DirectoryBagSource(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        root = Path.GetFullPath(directory);
    }

    /// <inheritdoc />
    public string Location => root;

    /// <inheritdoc />
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public async IAsyncEnumerable<BagFileInfo> ListFilesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"No bag folder at {root}.");
        }

        var entries = new List<BagFileInfo>();
        var pending = new Stack<(DirectoryInfo Folder, string Prefix)>();
        pending.Push((new DirectoryInfo(root), ""));
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (folder, prefix) = pending.Pop();
            foreach (var entry in folder.EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false }))
            {
                var path = prefix + entry.Name;
                if (entry.LinkTarget is not null)
                {
                    entries.Add(new BagFileInfo(path, 0) { Kind = BagFileKind.Link });
                }
                else if (entry is DirectoryInfo directory)
                {
                    pending.Push((directory, path + "/"));
                }
                else if (entry is FileInfo file)
                {
                    entries.Add(new BagFileInfo(path, file.Length) { Kind = IsRegular(file) ? BagFileKind.File : BagFileKind.Other });
                }
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        foreach (var entry in entries)
        {
            yield return entry;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<Stream?> OpenAsync(string relativePath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        if (BagPaths.Unsafe(relativePath) is not null)
        {
            return Task.FromResult<Stream?>(null);
        }

        // Never follow a link, at any level: a bag must not make the reader open files outside it.
        var current = root;
        var segments = relativePath.Split('/');
        for (var i = 0; i < segments.Length - 1; i++)
        {
            current = Path.Combine(current, segments[i]);
            var folder = new DirectoryInfo(current);
            if (!folder.Exists || folder.LinkTarget is not null)
            {
                return Task.FromResult<Stream?>(null);
            }
        }

        var file = new FileInfo(Path.Combine(current, segments[^1]));
        if (!file.Exists || file.LinkTarget is not null || !IsRegular(file))
        {
            return Task.FromResult<Stream?>(null);
        }

        return Task.FromResult<Stream?>(new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan));
    }

    // Known limit: .NET reports Unix pipes, sockets and devices as ordinary files (no public API gives the file type), so only
    // attribute-marked devices (Windows) are caught here; links, the realistic way out of a bag, are caught above.
    private static bool IsRegular(FileInfo file) => (file.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) == 0;
}
