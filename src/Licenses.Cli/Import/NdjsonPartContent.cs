using System.Buffers;
using System.Net;

namespace ElectronicLicense.Cli.Import;

/// <summary>The request body for one part of an NDJSON file: whole lines from <c>start</c>, up to a line and byte budget, streamed from disk.</summary>
/// <remarks>
/// Replayable: each serialisation seeks back to the part's start, so a handler that resends the request sends the same bytes.
/// Lines are never split and never held whole in memory, so a line of many megabytes (a base64 source document) costs one buffer.
/// </remarks>
internal sealed class NdjsonPartContent : HttpContent
{
    private const int BufferSize = 64 * 1024;
    private readonly Stream file;
    private readonly long start;
    private readonly int maxLines;
    private readonly long maxBytes;

    public NdjsonPartContent(Stream file, long start, int maxLines, long maxBytes)
    {
        this.file = file;
        this.start = start;
        this.maxLines = maxLines;
        this.maxBytes = maxBytes;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
    }

    /// <summary>Lines sent, counting a last line without a line feed.</summary>
    public int Lines { get; private set; }

    /// <summary>Where the next part starts.</summary>
    public long End { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        file.Position = start;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var position = start;
            var lines = 0;
            var midLine = false;
            var full = false;
            while (!full)
            {
                var read = await file.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                var consumed = 0;
                while (consumed < read)
                {
                    var newline = buffer.AsSpan(consumed, read - consumed).IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        consumed = read;
                        midLine = true;
                        break;
                    }

                    consumed += newline + 1;
                    lines++;
                    midLine = false;
                    if (lines == maxLines || position + consumed - start >= maxBytes)
                    {
                        full = true;
                        break;
                    }
                }

                await stream.WriteAsync(buffer.AsMemory(0, consumed), cancellationToken);
                position += consumed;
            }

            Lines = midLine ? lines + 1 : lines;
            End = position;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
