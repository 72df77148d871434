using System.Diagnostics;
using System.Text;
using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Archiving.BagIt;

namespace ElectronicLicense.Licenses.Tests.Archiving.BagIt;

/// <summary>Sample bags in temporary folders and report assertions.</summary>
internal static class BagTestSupport
{
    public const string LicenseId = "1.2.156.3005.2.11500000MB1234567X.11500103MB15030211.2021000001.001.K";

    public static readonly DateOnly BaggingDate = new(2026, 11, 23);

    public static readonly KeyValuePair<string, string>[] Labels =
    [
        new("Source-Organization", "重庆市电子证照库"),
        new("External-Identifier", LicenseId),
    ];

    public static Dictionary<string, byte[]> SamplePayload()
    {
        var random = new Random(6);
        byte[] Bytes(int n)
        {
            var b = new byte[n];
            random.NextBytes(b);
            return b;
        }

        return new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [$"data/documents/{LicenseId}.ofd"] = Bytes(70_000),
            [$"data/documents/{LicenseId}.pdf"] = Bytes(120_000),
            ["data/metadata/license.xml"] = Encoding.UTF8.GetBytes("<证照><证照名称>营业执照</证照名称></证照>"),
            ["data/history/status.json"] = Encoding.UTF8.GetBytes("[]"),
            ["data/verification/trust/根 CA.pem"] = Encoding.UTF8.GetBytes("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"),
        };
    }

    public static async Task<BagWriteResult> WriteAsync(IBagTarget target, IReadOnlyDictionary<string, byte[]> payload)
    {
        var writer = new BagWriter(target);
        foreach (var (path, bytes) in payload)
        {
            await writer.AddPayloadAsync(path, new MemoryStream(bytes));
        }

        return await writer.CompleteAsync(Labels, BaggingDate);
    }

    public static async Task<(string Folder, BagWriteResult Result)> WriteFolderAsync(IReadOnlyDictionary<string, byte[]>? payload = null)
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("elic-bagit-").FullName, LicenseId + "-v1");
        var result = await WriteAsync(new DirectoryBagTarget(folder), payload ?? SamplePayload());
        return (folder, result);
    }

    public static Task<IReadOnlyList<ArchiveCheck>> ValidateFolderAsync(string folder) => BagValidator.ValidateAsync(new DirectoryBagSource(folder));

    public static void AssertAllPassed(IReadOnlyList<ArchiveCheck> report)
    {
        Assert.All(report, c => Assert.True(c.Result == ArchiveCheckResult.Passed, $"{c.Id} {c.Result}: {c.Reason} ({c.Path})"));
        Assert.Equal(BagValidator.CheckIds, report.Select(c => c.Id));
    }

    /// <summary>Asserts the report fails <paramref name="id"/> for <paramref name="path"/>, and fails nothing outside <paramref name="alsoFailing"/>.</summary>
    public static ArchiveCheck AssertFails(IReadOnlyList<ArchiveCheck> report, string id, string? path, params string[] alsoFailing)
    {
        var failed = report.Where(c => c.Result == ArchiveCheckResult.Failed).ToList();
        var match = failed.FirstOrDefault(c => c.Id == id && (path is null || c.Path == path));
        Assert.True(match is not null, $"expected {id} to fail for {path}; report:\n{Describe(report)}");
        var unexpected = failed.Where(c => c.Id != id && !alsoFailing.Contains(c.Id)).ToList();
        Assert.True(unexpected.Count == 0, $"unexpected failures:\n{Describe(unexpected)}");
        Assert.All(BagValidator.CheckIds, i => Assert.Contains(report, c => c.Id == i));
        return match!;
    }

    public static string Describe(IEnumerable<ArchiveCheck> checks) => string.Join('\n', checks.Select(c => $"{c.Id} {c.Result} {c.Path}: {c.Reason}"));

    public static void Edit(string file, Func<string, string> change) => File.WriteAllText(file, change(File.ReadAllText(file)), new UTF8Encoding(false));

    public static (int ExitCode, string Output) Run(string workingDirectory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }
}
