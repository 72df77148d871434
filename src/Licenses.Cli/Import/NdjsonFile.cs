namespace ElectronicLicense.Cli.Import;

/// <summary>Cheap facts about an NDJSON file, read without holding it in memory.</summary>
internal static class NdjsonFile
{
    private const int BufferSize = 64 * 1024;

    /// <summary>Opens the file for one sequential pass.</summary>
    public static FileStream Open(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}", e);
        }
    }

    /// <summary>Counts lines the way the registry numbers them: each line feed ends a line, and trailing text without one is a last line.</summary>
    public static async Task<int> CountLinesAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = Open(path);
        var buffer = new byte[BufferSize];
        var lines = 0;
        var last = (byte)'\n';
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }

        return last == (byte)'\n' ? lines : lines + 1;
    }
}
