using System.Text.Json;

namespace ElectronicLicense.Cli.Tests.Support;

/// <summary>Reads the <c>--json</c> report of <c>elic import</c>.</summary>
internal sealed record ImportReportView(int Lines, int Created, int NewVersion, int Unchanged, int Rejected, IReadOnlyList<RejectedView> RejectedLines)
{
    public static ImportReportView Parse(CliRun run)
    {
        using var document = JsonDocument.Parse(run.Output);
        var summary = document.RootElement.GetProperty("summary");
        var rejected = document.RootElement.GetProperty("rejected").EnumerateArray().Select(r => new RejectedView(
            r.GetProperty("line").GetInt32(),
            r.GetProperty("code").GetString()!,
            r.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("pointer").GetString()!).ToArray())).ToArray();
        return new ImportReportView(
            summary.GetProperty("lines").GetInt32(),
            summary.GetProperty("created").GetInt32(),
            summary.GetProperty("newVersion").GetInt32(),
            summary.GetProperty("unchanged").GetInt32(),
            summary.GetProperty("rejected").GetInt32(),
            rejected);
    }

    /// <summary>Lines 7, 15 and 23 of the sample, each rejected for the field <c>samples/README.md</c> names.</summary>
    public void ShowsTheSampleDefects()
    {
        Assert.Equal(ImportSample.BadLines, RejectedLines.Select(r => r.Line));
        Assert.All(RejectedLines, r => Assert.Equal("validation-failed", r.Code));
        Assert.Equal(["/持证主体代码"], RejectedLines[0].Pointers);

        // The pointer of a missing 照面 field is under /照面 and names 住所 (see the report for the doubled /照面 prefix).
        var missing = Assert.Single(RejectedLines[1].Pointers);
        Assert.StartsWith("/照面/", missing, StringComparison.Ordinal);
        Assert.EndsWith("/住所", missing, StringComparison.Ordinal);
        Assert.Equal(["/颁发日期"], RejectedLines[2].Pointers);
    }
}

internal sealed record RejectedView(int Line, string Code, IReadOnlyList<string> Pointers);
