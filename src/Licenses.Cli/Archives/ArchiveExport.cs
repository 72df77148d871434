using System.Diagnostics;
using System.Globalization;
using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Archiving.BagIt;
using ElectronicLicense.Licenses.Errors;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ElectronicLicense.Cli.Archives;

/// <summary><c>elic archive export</c>: streams a selection's packages to a folder or a bucket, with a progress bar and a summary.</summary>
internal static class ArchiveExport
{
    /// <summary>Failures kept for the summary; beyond this only their number is reported, so memory stays constant.</summary>
    private const int MaxListedFailures = 1000;

    public sealed record Request(
        string? LicenseId,
        string? TypeCode,
        string? IssuedFrom,
        string? IssuedTo,
        string Out,
        string DataDirectory,
        string Department,
        string? Postgres,
        string? ConfigFile,
        string? S3Endpoint,
        bool ShowProgress,
        bool Json);

    public static async Task<int> RunAsync(CliContext context, Request request, CancellationToken cancellationToken)
    {
        ArchiveSelection selection;
        try
        {
            selection = ArchiveSelection.From(request.LicenseId, request.TypeCode, request.IssuedFrom, request.IssuedTo);
        }
        catch (RegistryException e)
        {
            var detail = e.Errors.Count > 0 ? e.Errors[0].Message : e.Message;
            throw new CliException("selection: " + detail.Replace("licenseId", "--license", StringComparison.Ordinal)
                .Replace("typeCode", "--type", StringComparison.Ordinal)
                .Replace("issuedFrom", "--issued-from", StringComparison.Ordinal)
                .Replace("issuedTo", "--issued-to", StringComparison.Ordinal), e);
        }

        // Options first: a bad output is a usage error before the registry is opened.
        using var output = OpenOutput(context, request);
        await using var registry = await ArchiveRegistry.OpenAsync(request.DataDirectory, request.Department, request.Postgres, request.ConfigFile, cancellationToken);
        var archives = registry.Archives;
        var total = await archives.CountAsync(selection, cancellationToken);
        if (total == 0 && selection.LicenseId is not null)
        {
            throw new CliException($"no license version {selection.LicenseId} is registered.") { ExitCode = ExitCodes.Failed };
        }

        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        var cancelled = false;
        try
        {
            if (request.ShowProgress && total > 0)
            {
                await context.Out.Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new CountColumn(tally), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask("export", maxValue: total);
                        await ExportAsync(archives, registry, selection, output, tally, () => task.Value = Math.Min(tally.Done, total), cancellationToken);
                        task.Value = task.MaxValue;
                    });
            }
            else
            {
                await ExportAsync(archives, registry, selection, output, tally, () => { }, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && tally.Done > 0)
        {
            cancelled = true;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? tally.Exported / seconds : 0;
        if (request.Json)
        {
            CliJson.Write(context.Output, new ExportReport(
                output.Location, selection.ToString(), total, tally.Exported, tally.Failed, tally.Bytes, Math.Round(seconds, 3), Math.Round(rate, 1), tally.Failures));
        }
        else
        {
            WriteText(context, output.Location, selection, total, tally, seconds, rate);
        }

        if (cancelled)
        {
            // Files are copied in name order, tagmanifest-*.txt last: the bags in flight have none and fail validation.
            context.WriteError("export cancelled: the packages reported are complete; those in flight have no tag manifest. Run the same export again to finish (packages are rewritten identically).");
            return ExitCodes.Cancelled;
        }

        return tally.Failed == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static async Task ExportAsync(
        ArchiveService archives, ArchiveRegistry registry, ArchiveSelection selection, Output output, Tally tally, Action progressed, CancellationToken cancellationToken)
    {
        await foreach (var item in archives.ExportAsync(registry.Archivist, selection, output.Target, "cli", cancellationToken))
        {
            tally.Add(item);
            progressed();
        }
    }

    private static Output OpenOutput(CliContext context, Request request)
    {
        if (ArchiveLocation.IsS3(request.Out))
        {
            var store = ArchiveLocation.OpenS3(context, request.Out, request.S3Endpoint);
            return new Output(store.Location, bag => new BlobBagTarget(store, bag), store as IDisposable);
        }

        if (request.S3Endpoint is not null)
        {
            throw new CliException("--s3-endpoint goes with --out s3://bucket/prefix.");
        }

        string folder;
        try
        {
            folder = Path.GetFullPath(request.Out);
            if (File.Exists(folder))
            {
                throw new CliException($"--out {request.Out} is a file; give a folder or s3://bucket/prefix.");
            }

            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliException($"cannot use --out {request.Out}: {e.Message}", e);
        }

        return new Output(folder, bag => new DirectoryBagTarget(Path.Combine(folder, bag)), null);
    }

    private static void WriteText(CliContext context, string location, ArchiveSelection selection, int total, Tally tally, double seconds, double rate)
    {
        var console = context.Out;
        console.WriteLine($"Exported {selection} to {location}: {N(tally.Exported)} of {N(total)} packages");
        var grid = new Grid().AddColumn(new GridColumn().PadLeft(2)).AddColumn(new GridColumn().RightAligned());
        grid.AddRow("exported", N(tally.Exported));
        grid.AddRow(new Text("failed"), new Text(N(tally.Failed), tally.Failed > 0 ? new Style(Color.Red) : Style.Plain));
        grid.AddRow("bytes", $"{N(tally.Bytes)} ({Megabytes(tally.Bytes)} MB)");
        grid.AddRow("time", string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s"));
        grid.AddRow("packages/s", string.Create(CultureInfo.InvariantCulture, $"{rate:0.0}"));
        console.Write(grid);
        if (tally.Failures.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Simple).Title("Failed packages").AddColumns("证照标识", "Reason");
        foreach (var failure in tally.Failures)
        {
            table.AddRow(new Text(failure.LicenseId), new Text(failure.Error));
        }

        console.WriteLine();
        console.Write(table);
        if (tally.Failed > tally.Failures.Count)
        {
            console.WriteLine($"… and {N(tally.Failed - tally.Failures.Count)} more.");
        }
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

    private sealed record Output(string Location, Func<string, IBagTarget> Target, IDisposable? Owned) : IDisposable
    {
        public void Dispose() => Owned?.Dispose();
    }

    /// <summary>What has been exported so far; read by the progress column while the export runs.</summary>
    private sealed class Tally
    {
        private long bytes;
        private int exported;
        private int failed;

        public int Done => Volatile.Read(ref exported) + Volatile.Read(ref failed);

        public int Exported => exported;

        public int Failed => failed;

        public long Bytes => Interlocked.Read(ref bytes);

        public List<ExportFailure> Failures { get; } = [];

        public void Add(ArchiveExportItem item)
        {
            if (item.Error is null)
            {
                Interlocked.Add(ref bytes, item.Bytes);
                Interlocked.Increment(ref exported);
                return;
            }

            Interlocked.Increment(ref failed);
            if (Failures.Count < MaxListedFailures)
            {
                Failures.Add(new ExportFailure(item.LicenseId, item.BagName, item.Error));
            }
        }
    }

    /// <summary>"12/100 packages, 3.4 MB" beside the bar.</summary>
    private sealed class CountColumn(Tally tally) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{task.Value:0}/{task.MaxValue:0} packages, {Megabytes(tally.Bytes)} MB", new Style(Color.Grey));
    }
}

/// <summary>One package that could not be exported, and why (never holder data).</summary>
internal sealed record ExportFailure(string LicenseId, string BagName, string Error);

/// <summary>The JSON form of an export's result.</summary>
internal sealed record ExportReport(
    string Target,
    string Selection,
    int Selected,
    int Exported,
    int Failed,
    long Bytes,
    double Seconds,
    double PackagesPerSecond,
    IReadOnlyList<ExportFailure> Failures);
