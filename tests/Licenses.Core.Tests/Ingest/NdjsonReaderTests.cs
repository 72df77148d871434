using System.Text;
using ElectronicLicense.Licenses.Ingest;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ElectronicLicense.Licenses.Tests.Ingest;

[Properties(Arbitrary = new[] { typeof(NdjsonReaderArbitraries) })]
public class NdjsonReaderTests
{
    internal static readonly Gen<string> LineText =
        Gen.Elements("a", "{", "}", "\"", " ", "\t", "\\", "照", "面", "é", "😀", "\uFEFF")
            .ListOf()
            .Select(parts => string.Concat(parts));

    [Fact]
    public void Lf_line_ends_split_lines_and_a_final_newline_adds_no_line()
    {
        var lines = Read("a\nbc\n{}\n");

        Assert.Equal([new(1, "a", null), new(2, "bc", null), new(3, "{}", null)], lines);
    }

    [Fact]
    public void Crlf_line_ends_are_removed_whole()
    {
        var lines = Read("a\r\nbc\r\n{}\r\n");

        Assert.Equal(["a", "bc", "{}"], lines.Select(l => l.Text));
    }

    [Fact]
    public void A_last_line_without_newline_is_read()
    {
        var lines = Read("a\r\nlast");

        Assert.Equal([new(1, "a", null), new(2, "last", null)], lines);
    }

    [Fact]
    public void Blank_lines_are_yielded_as_empty_text_and_keep_the_numbering()
    {
        var lines = Read("a\n\n\r\nb\n");

        Assert.Equal([new(1, "a", null), new(2, "", null), new(3, "", null), new(4, "b", null)], lines);
    }

    [Fact]
    public void An_empty_stream_has_no_lines()
    {
        Assert.Empty(Read(""));
    }

    [Fact]
    public void A_utf8_byte_order_mark_on_the_first_line_is_removed()
    {
        var lines = Read([0xEF, 0xBB, 0xBF, .. "{\"a\":1}\n{\"b\":2}"u8]);

        Assert.Equal(["{\"a\":1}", "{\"b\":2}"], lines.Select(l => l.Text));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void Characters_split_across_reads_are_decoded_whole(int chunk)
    {
        var lines = Read(Encoding.UTF8.GetBytes("重庆市渝中区😀\n解放碑\n"), chunk: chunk);

        Assert.Equal(["重庆市渝中区😀", "解放碑"], lines.Select(l => l.Text));
    }

    [Fact]
    public void Invalid_utf8_is_reported_and_the_next_lines_are_read()
    {
        var lines = Read([.. "ok\n"u8, 0x7B, 0xFF, 0xFE, 0x7D, .. "\nnext\n"u8]);

        Assert.Equal(new NdjsonLine(1, "ok", null), lines[0]);
        Assert.Equal(new NdjsonLine(2, null, "the line is not valid UTF-8"), lines[1]);
        Assert.Equal(new NdjsonLine(3, "next", null), lines[2]);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(7)]
    [InlineData(1)]
    public void A_line_longer_than_the_limit_is_reported_and_the_following_lines_are_read(int chunk)
    {
        var lines = Read("short\n" + new string('x', 25) + "\nafter\n" + new string('y', 11) + "\n" + new string('z', 10), maxLineBytes: 10, chunk: chunk);

        Assert.Equal(
            [
                new(1, "short", null),
                new(2, null, "the line is longer than the limit of 10 bytes"),
                new(3, "after", null),
                new(4, null, "the line is longer than the limit of 10 bytes"),
                new(5, new string('z', 10), null),
            ],
            lines);
    }

    [Fact]
    public void A_long_line_spanning_many_small_reads_is_skipped_without_losing_the_next_line()
    {
        var stream = new ChunkedStream(Encoding.UTF8.GetBytes("first\n" + new string('x', 50_000) + "\nsecond\nthird"), 7);

        var lines = Read(stream, maxLineBytes: 100);

        Assert.True(stream.Reads > 50_000 / 7, $"only {stream.Reads} reads");
        Assert.Equal(
            [
                new(1, "first", null),
                new(2, null, "the line is longer than the limit of 100 bytes"),
                new(3, "second", null),
                new(4, "third", null),
            ],
            lines);
    }

    [Fact]
    public void A_long_line_larger_than_the_read_buffer_is_skipped()
    {
        var lines = Read(new string('x', 300_000) + "\n{}\n" + new string('y', 300_000), maxLineBytes: 1000, chunk: 4096);

        Assert.Equal([2], lines.Where(l => l.Text is not null).Select(l => l.Number));
        Assert.Equal([1, 3], lines.Where(l => l.Text is null).Select(l => l.Number));
    }

    [Property]
    public bool Lines_joined_with_newlines_read_back_unchanged_with_their_numbers_for_any_read_size(NdjsonLines c)
    {
        var read = Read(Encoding.UTF8.GetBytes(string.Concat(c.Lines.Select(l => l + "\n"))), chunk: c.Chunk);
        return read.SequenceEqual(c.Lines.Select((text, i) => new NdjsonLine(i + 1, text, null)));
    }

    [Property]
    public bool Every_line_over_the_limit_is_reported_and_every_other_line_is_intact(NdjsonLinesWithALimit c)
    {
        var text = string.Join("\n", c.Lines) + (c.LastTerminated ? "\n" : "");
        var read = Read(Encoding.UTF8.GetBytes(text), maxLineBytes: c.Max, chunk: c.Chunk);
        var expected = c.Lines
            .Select((line, i) => Encoding.UTF8.GetByteCount(line) > c.Max
                ? new NdjsonLine(i + 1, null, $"the line is longer than the limit of {c.Max} bytes")
                : new NdjsonLine(i + 1, line, null))
            .Where((line, i) => c.LastTerminated || i < c.Lines.Count - 1 || c.Lines[i].Length > 0);
        return read.SequenceEqual(expected);
    }

    private static List<NdjsonLine> Read(string text, long maxLineBytes = 1024, int chunk = int.MaxValue) =>
        Read(Encoding.UTF8.GetBytes(text), maxLineBytes, chunk);

    private static List<NdjsonLine> Read(byte[] bytes, long maxLineBytes = 1024, int chunk = int.MaxValue) =>
        Read(new ChunkedStream(bytes, chunk), maxLineBytes);

    private static List<NdjsonLine> Read(Stream stream, long maxLineBytes)
    {
        return Collect().AsTask().GetAwaiter().GetResult();

        async ValueTask<List<NdjsonLine>> Collect()
        {
            var lines = new List<NdjsonLine>();
            await foreach (var line in NdjsonReader.ReadAsync(stream, maxLineBytes))
            {
                lines.Add(line);
            }

            return lines;
        }
    }

    /// <summary>A stream that returns at most <c>chunk</c> bytes per read, as a slow network does.</summary>
    private sealed class ChunkedStream(byte[] bytes, int chunk) : Stream
    {
        private int position;

        public int Reads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Reads++;
            var n = Math.Min(Math.Min(chunk, buffer.Length), bytes.Length - position);
            bytes.AsSpan(position, n).CopyTo(buffer);
            position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Lines (no byte order mark at the start) and the size of the reads.</summary>
public sealed record NdjsonLines(List<string> Lines, int Chunk)
{
    public override string ToString() => $"NdjsonLines {{ Lines = [{string.Join(", ", Lines.Select(l => $"\"{l}\""))}], Chunk = {Chunk} }}";
}

/// <summary>At least one line without byte order marks, a line limit, the size of the reads and whether the last line ends in a newline.</summary>
public sealed record NdjsonLinesWithALimit(List<string> Lines, int Max, int Chunk, bool LastTerminated)
{
    public override string ToString() =>
        $"NdjsonLinesWithALimit {{ Lines = [{string.Join(", ", Lines.Select(l => $"\"{l}\""))}], Max = {Max}, Chunk = {Chunk}, LastTerminated = {LastTerminated} }}";
}

internal static class NdjsonReaderArbitraries
{
    public static Arbitrary<NdjsonLines> NdjsonLines() =>
        (from lines in NdjsonReaderTests.LineText.ListOf()
         from chunk in Gen.Choose(1, 16)
         select new NdjsonLines(lines.Select((text, i) => i == 0 ? text.TrimStart('\uFEFF') : text).ToList(), chunk)).ToArbitrary();

    public static Arbitrary<NdjsonLinesWithALimit> NdjsonLinesWithALimit() =>
        (from lines in NdjsonReaderTests.LineText.Select(l => l.Replace("\uFEFF", "", StringComparison.Ordinal)).NonEmptyListOf()
         from max in Gen.Choose(1, 24)
         from chunk in Gen.Choose(1, 16)
         from lastTerminated in Gen.Elements(true, false)
         select new NdjsonLinesWithALimit(lines, max, chunk, lastTerminated)).ToArbitrary();
}
