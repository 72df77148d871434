using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;

namespace ElectronicLicense.Licenses.Ingest;

/// <summary>One line of an NDJSON stream: its text, or null when it broke a limit (too long or not UTF-8).</summary>
/// <param name="Number">1-based line number.</param>
/// <param name="Text">The line without its line break; null when unreadable.</param>
/// <param name="Problem">Why the line is unreadable.</param>
public readonly record struct NdjsonLine(int Number, string? Text, string? Problem);

/// <summary>Splits a UTF-8 NDJSON stream into lines without ever holding more than one line (bounded) in memory.</summary>
public static class NdjsonReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads lines; a line longer than <paramref name="maxLineBytes"/> is skipped and reported, not buffered.</summary>
    public static async IAsyncEnumerable<NdjsonLine> ReadAsync(Stream stream, long maxLineBytes, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        var number = 0;
        var skipping = false;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken);
                var buffer = read.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    var line = buffer.Slice(0, end);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                    number++;
                    yield return skipping || line.Length > maxLineBytes ? TooLong(number, maxLineBytes) : Decode(number, line);
                    skipping = false;
                }

                if (buffer.Length > maxLineBytes)
                {
                    // Drop the oversized line's bytes as they arrive; report it once its end is seen.
                    skipping = true;
                    buffer = buffer.Slice(buffer.End);
                }

                if (read.IsCompleted)
                {
                    if (skipping || buffer.Length > 0)
                    {
                        number++;
                        yield return skipping ? TooLong(number, maxLineBytes) : Decode(number, buffer);
                    }

                    yield break;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private static NdjsonLine TooLong(int number, long max) => new(number, null, $"the line is longer than the limit of {max} bytes");

    private static NdjsonLine Decode(int number, ReadOnlySequence<byte> bytes)
    {
        try
        {
            var text = StrictUtf8.GetString(bytes);
            if (number == 1 && text.StartsWith('\uFEFF'))
            {
                text = text[1..];
            }

            return new NdjsonLine(number, text.EndsWith('\r') ? text[..^1] : text, null);
        }
        catch (DecoderFallbackException)
        {
            return new NdjsonLine(number, null, "the line is not valid UTF-8");
        }
    }
}
