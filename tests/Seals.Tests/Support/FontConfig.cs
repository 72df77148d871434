using System.Diagnostics;
using System.Globalization;
using ElectronicLicense.Seals.Fonts;

namespace ElectronicLicense.Seals.Tests.Support;

/// <summary>fontconfig's fc-scan as an independent reader of the fonts we write, and the system font the tests subset.</summary>
internal static class FontConfig
{
    public const string WenKaiPath = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf";

    private static readonly Lazy<TrueTypeFont> LazyWenKai = new(() => TrueTypeFont.Load(WenKaiPath));

    /// <summary>LXGW WenKai (Debian fonts-lxgw-wenkai), loaded once.</summary>
    public static TrueTypeFont WenKai => LazyWenKai.Value;

    /// <summary>Runs <c>fc-scan --format FORMAT file</c> and returns its standard output.</summary>
    public static string Scan(byte[] font, string format)
    {
        var path = Path.Combine(Path.GetTempPath(), $"elic-font-{Guid.NewGuid():N}.ttf");
        File.WriteAllBytes(path, font);
        try
        {
            var start = new ProcessStartInfo("fc-scan") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("--format");
            start.ArgumentList.Add(format);
            start.ArgumentList.Add(path);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(30_000), "fc-scan did not finish in 30 s");
            Assert.True(process.ExitCode == 0, $"fc-scan exited with {process.ExitCode}");
            return output.Result;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The code points fontconfig finds in a font (parsed from <c>%{charset}</c>: hex values and ranges).</summary>
    public static SortedSet<int> Charset(byte[] font)
    {
        var set = new SortedSet<int>();
        foreach (var part in Scan(font, "%{charset}\n").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split('-');
            var first = int.Parse(bounds[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var last = bounds.Length == 2 ? int.Parse(bounds[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) : first;
            for (var c = first; c <= last; c++)
            {
                set.Add(c);
            }
        }

        return set;
    }
}
