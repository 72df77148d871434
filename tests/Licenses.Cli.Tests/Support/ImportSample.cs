using System.Text.Json;

namespace ElectronicLicense.Cli.Tests.Support;

/// <summary>Facts about <c>samples/import.ndjson</c> as documented in <c>samples/README.md</c>.</summary>
internal static class ImportSample
{
    public const string Issuer = "11500000MB1503013M";

    public static readonly int[] BadLines = [7, 15, 23];

    /// <summary>Asserts that neither output stream of <paramref name="run"/> repeats any holder value of the sample.</summary>
    public static void AssertNoHolderData(CliRun run)
    {
        foreach (var value in HolderValues())
        {
            Assert.DoesNotContain(value, run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(value, run.Error, StringComparison.Ordinal);
        }
    }

    /// <summary>Every holder value in the file (names, codes, 照面 values of at least 4 characters), which output must never repeat.</summary>
    public static IReadOnlyList<string> HolderValues()
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in System.IO.File.ReadLines(Repository.ImportSample))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            values.Add(root.GetProperty("持证主体").GetString()!);
            values.Add(root.GetProperty("持证主体代码").GetString()!);
            foreach (var field in root.GetProperty("照面").EnumerateObject())
            {
                if (field.Value.ValueKind == JsonValueKind.String && field.Value.GetString() is { Length: >= 4 } value
                    && !DateOnly.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    values.Add(value);
                }
            }
        }

        return values.ToArray();
    }

    /// <summary>Writes the sample without its bad lines.</summary>
    public static void WriteValidLines(string path) =>
        System.IO.File.WriteAllLines(path, System.IO.File.ReadLines(Repository.ImportSample).Where((_, index) => !BadLines.Contains(index + 1)));
}
