using System.Text;
using ElectronicLicense.Cli.Import;

namespace ElectronicLicense.Cli.Tests.Import;

public sealed class NdjsonPartContentTests
{
    [Fact]
    public async Task Parts_are_whole_lines_and_count_blank_and_unterminated_lines()
    {
        using var file = new MemoryStream(Encoding.UTF8.GetBytes("a\nbb\n\nccc"));

        var (first, firstText) = await SendAsync(file, start: 0, maxLines: 2, maxBytes: 1024);
        var (second, secondText) = await SendAsync(file, first.End, maxLines: 2, maxBytes: 1024);

        Assert.Equal(("a\nbb\n", 2, 5L), (firstText, first.Lines, first.End));
        Assert.Equal(("\nccc", 2, 9L), (secondText, second.Lines, second.End));
    }

    [Fact]
    public async Task Byte_budget_ends_a_part_at_a_line_end_but_never_splits_a_line()
    {
        var longLine = new string('x', 200_000);
        using var file = new MemoryStream(Encoding.UTF8.GetBytes($"{longLine}\nshort\n"));

        var (part, text) = await SendAsync(file, start: 0, maxLines: 100, maxBytes: 10);

        Assert.Equal(1, part.Lines);
        Assert.Equal(longLine + "\n", text);
    }

    [Fact]
    public async Task A_part_sent_twice_sends_the_same_bytes()
    {
        using var file = new MemoryStream(Encoding.UTF8.GetBytes("1\n2\n3\n"));
        using var content = new NdjsonPartContent(file, start: 2, maxLines: 1, maxBytes: 1024);

        using var once = new MemoryStream();
        await content.CopyToAsync(once);
        file.Position = file.Length;
        using var again = new MemoryStream();
        await content.CopyToAsync(again);

        Assert.Equal("2\n", Encoding.UTF8.GetString(once.ToArray()));
        Assert.Equal("2\n", Encoding.UTF8.GetString(again.ToArray()));
    }

    private static async Task<(NdjsonPartContent Part, string Text)> SendAsync(Stream file, long start, int maxLines, long maxBytes)
    {
        var part = new NdjsonPartContent(file, start, maxLines, maxBytes);
        using var body = new MemoryStream();
        await part.CopyToAsync(body);
        return (part, Encoding.UTF8.GetString(body.ToArray()));
    }
}
