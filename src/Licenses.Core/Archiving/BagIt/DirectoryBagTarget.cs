namespace ElectronicLicense.Licenses.Archiving.BagIt;

/// <summary>Writes a bag into a folder on disk (the folder is the bag's base directory).</summary>
/// <remarks>Each file is written to a temporary name beside it and renamed into place, so a file is either absent or whole.</remarks>
public sealed class DirectoryBagTarget : IBagTarget
{
    private readonly string root;

    /// <summary>Targets <paramref name="directory"/>, creating it when absent.</summary>
    public DirectoryBagTarget(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
    }

    /// <inheritdoc />
    public string Location => root;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The path would leave the folder.</exception>
    public async Task WriteAsync(string relativePath, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(content);
        if (BagPaths.Unsafe(relativePath) is { } problem)
        {
            throw new ArgumentException($"Bag path is not allowed: {problem}.", nameof(relativePath));
        }

        var destination = Path.Combine(root, relativePath);
        var folder = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".elic-partial-{Guid.NewGuid():N}");
        try
        {
            // Unbuffered, synchronous handle: the copy's own buffer goes straight to write(2) (see LocalFolderBlobStore.OpenReadAsync).
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.None);
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, destination, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
