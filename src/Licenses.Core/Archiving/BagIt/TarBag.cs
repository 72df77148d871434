using System.Formats.Tar;

namespace ElectronicLicense.Licenses.Archiving.BagIt;

/// <summary>Writes a bag as a tar stream (RFC 8493 §4.4 serialization): one top-level directory, the bag's base directory, holding every file.</summary>
/// <remarks>
/// PAX format, so UTF-8 names of any length (Chinese file names) survive GNU tar and bsdtar. When neither the output nor the
/// content stream can seek, a file is spooled to a temporary file first (a tar header needs the length), so memory stays constant.
/// Dispose to write the end-of-archive blocks.
/// </remarks>
public sealed class TarBagWriter : IBagTarget, IAsyncDisposable
{
    private readonly Stream output;
    private readonly TarWriter writer;
    private readonly string baseDirectory;
    private readonly DateTimeOffset modified;
    private readonly bool ownsWriter;
    private bool started;

    /// <summary>Starts a tar on <paramref name="output"/> whose top-level directory is <paramref name="baseDirectory"/>.</summary>
    /// <param name="output">Where the tar goes; need not seek (an HTTP response body).</param>
    /// <param name="baseDirectory">The bag's base directory name, one path segment (e.g. <c>{证照标识}-v1</c>).</param>
    /// <param name="modified">The modification time recorded for every entry (pass the bagging time for reproducible tars).</param>
    /// <param name="leaveOpen">Leave <paramref name="output"/> open when disposed.</param>
    public TarBagWriter(Stream output, string baseDirectory, DateTimeOffset modified, bool leaveOpen = false)
        : this(new TarWriter(output ?? throw new ArgumentNullException(nameof(output)), TarEntryFormat.Pax, leaveOpen), output, baseDirectory, modified, ownsWriter: true)
    {
    }

    /// <summary>One bag of a tar; when <paramref name="ownsWriter"/> is false the archive's end is written by whoever owns <paramref name="writer"/>.</summary>
    private TarBagWriter(TarWriter writer, Stream output, string baseDirectory, DateTimeOffset modified, bool ownsWriter)
    {
        ArgumentNullException.ThrowIfNull(baseDirectory);
        if (BagPaths.Unsafe(baseDirectory) is not null || baseDirectory.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("The base directory is one path segment without '.', '..', '/' or '\\'.", nameof(baseDirectory));
        }

        this.writer = writer;
        this.output = output;
        this.baseDirectory = baseDirectory;
        this.modified = modified;
        this.ownsWriter = ownsWriter;
    }

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <inheritdoc />
    public string Location => "tar:" + baseDirectory;

    /// <summary>Writes every regular file of <paramref name="source"/> as a tar to <paramref name="output"/> (links and other entries are left out).</summary>
    public static async Task WriteAsync(IBagSource source, Stream output, string baseDirectory, DateTimeOffset modified, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var tar = new TarBagWriter(output, baseDirectory, modified, leaveOpen: true);
        await using (tar.ConfigureAwait(false))
        {
            await tar.CopyAsync(source, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes several bags as one tar to <paramref name="output"/>, each under its own top-level directory, with one end-of-archive
    /// at the very end (a tar reader stops at the first end it meets, so concatenated single-bag tars would hide all but the first).
    /// </summary>
    /// <param name="bags">Each bag's base directory name and its files, in the order they are written.</param>
    /// <param name="output">Where the tar goes; need not seek.</param>
    /// <param name="modified">The modification time recorded for every entry.</param>
    /// <param name="cancellationToken">Stops between files.</param>
    public static async Task WriteAllAsync(
        IAsyncEnumerable<(string BaseDirectory, IBagSource Source)> bags, Stream output, DateTimeOffset modified, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bags);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            await foreach (var (baseDirectory, source) in bags.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                ArgumentNullException.ThrowIfNull(source);
                var bag = new TarBagWriter(writer, output, baseDirectory, modified, ownsWriter: false);
                await using (bag.ConfigureAwait(false))
                {
                    await bag.CopyAsync(source, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task CopyAsync(IBagSource source, CancellationToken cancellationToken)
    {
        await foreach (var file in source.ListFilesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (file.Kind != BagFileKind.File)
            {
                continue;
            }

            var content = await source.OpenAsync(file.RelativePath, cancellationToken).ConfigureAwait(false)
                ?? throw new FileNotFoundException($"{file.RelativePath} was listed by {source.Location} but could not be opened.");
            await using (content.ConfigureAwait(false))
            {
                await WriteAsync(file.RelativePath, content, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task WriteAsync(string relativePath, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(content);
        if (BagPaths.Unsafe(relativePath) is { } problem)
        {
            throw new ArgumentException($"Bag path is not allowed: {problem}.", nameof(relativePath));
        }

        await StartAsync(cancellationToken).ConfigureAwait(false);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, baseDirectory + "/" + relativePath) { ModificationTime = modified, Mode = FileMode };
        if (output.CanSeek || content.CanSeek)
        {
            entry.DataStream = content;
            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            return;
        }

        var spool = new FileStream(Path.GetTempFileName(), System.IO.FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (spool.ConfigureAwait(false))
        {
            await content.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
            spool.Position = 0;
            entry.DataStream = spool;
            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the end of the archive (for a bag of <see cref="WriteAllAsync"/>, only its directory entry when it is empty).</summary>
    public async ValueTask DisposeAsync()
    {
        await StartAsync(CancellationToken.None).ConfigureAwait(false);
        if (ownsWriter)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Asynchronous only: an HTTP response body refuses synchronous writes.
    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!started)
        {
            started = true;
            var folder = new PaxTarEntry(TarEntryType.Directory, baseDirectory + "/") { ModificationTime = modified, Mode = DirectoryMode };
            await writer.WriteEntryAsync(folder, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Reads a bag serialized as a tar (one top-level directory holding the bag) into an <see cref="IBagTarget"/>.</summary>
public static class TarBagReader
{
    /// <summary>Copies every file of the tar's single top-level directory to <paramref name="target"/> and returns that directory's name.</summary>
    /// <remarks>Refuses, before writing anything unsafe, a tar whose entries are not all under one directory, name a path with <c>..</c>, are absolute, or are links or devices.</remarks>
    /// <exception cref="InvalidDataException">The tar is not a serialized bag, or an entry is unsafe.</exception>
    public static async Task<string> ExtractAsync(Stream tar, IBagTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tar);
        ArgumentNullException.ThrowIfNull(target);
        string? baseDirectory = null;
        var reader = new TarReader(tar, leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
                {
                    continue;
                }

                var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                var isDirectory = entry.EntryType == TarEntryType.Directory;
                if (isDirectory)
                {
                    name = name.TrimEnd('/');
                }

                if (BagPaths.Unsafe(name) is { } problem)
                {
                    throw new InvalidDataException($"Tar entry '{entry.Name}' is refused: {problem}.");
                }

                var slash = name.IndexOf('/', StringComparison.Ordinal);
                var top = slash < 0 ? name : name[..slash];
                baseDirectory ??= top;
                if (!string.Equals(top, baseDirectory, StringComparison.Ordinal) || (slash < 0 && !isDirectory))
                {
                    throw new InvalidDataException($"Tar entry '{entry.Name}' is outside the bag's single top-level directory '{baseDirectory}'.");
                }

                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        await target.WriteAsync(name[(slash + 1)..], entry.DataStream ?? Stream.Null, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        throw new InvalidDataException($"Tar entry '{entry.Name}' is a {entry.EntryType}; a serialized bag holds only files and directories.");
                }
            }
        }

        return baseDirectory ?? throw new InvalidDataException("The tar is empty.");
    }
}
