using Spectre.Console;
using Spectre.Console.Rendering;

namespace ElectronicLicense.Cli.Import;

/// <summary>Runs an import with a progress bar and renders its summary and rejected lines, the same for every importer.</summary>
internal static class ImportRenderer
{
    public static async Task<int> RunAsync(
        CliContext context, IImporter importer, string file, bool showProgress, bool json, CancellationToken cancellationToken)
    {
        var tally = new ImportTally();
        CliException? failure = null;
        var cancelled = false;
        try
        {
            if (showProgress)
            {
                var total = await NdjsonFile.CountLinesAsync(file, cancellationToken);
                await context.Out.Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new LinesColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask(Markup.Escape(Path.GetFileName(file)), maxValue: Math.Max(total, 1));
                        await ImportAsync(importer, file, tally, line => task.Value = Math.Min(line, task.MaxValue), cancellationToken);
                        task.Value = task.MaxValue;
                    });
            }
            else
            {
                await ImportAsync(importer, file, tally, _ => { }, cancellationToken);
            }
        }
        catch (CliException e)
        {
            failure = e;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
            failure = new CliException("import cancelled: the lines reported are stored; the rest are unconfirmed (push the file again, stored lines come back as unchanged).");
        }

        if (failure is not null && tally.LastLine == 0)
        {
            if (cancelled)
            {
                throw new OperationCanceledException(failure.Message, cancellationToken);
            }

            throw failure;
        }

        if (json)
        {
            WriteJson(context, importer, file, tally, failure);
        }
        else
        {
            WriteText(context, importer, file, tally, failure);
        }

        if (failure is not null)
        {
            context.WriteError(failure.Message);
            return cancelled ? ExitCodes.Cancelled : ExitCodes.Error;
        }

        return tally.Rejections.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static async Task ImportAsync(IImporter importer, string file, ImportTally tally, Action<int> progressed, CancellationToken cancellationToken)
    {
        await using var stream = NdjsonFile.Open(file);
        await foreach (var line in importer.ImportAsync(stream, cancellationToken))
        {
            tally.Add(line);
            progressed(tally.LastLine);
        }
    }

    private static void WriteText(CliContext context, IImporter importer, string file, ImportTally tally, CliException? failure)
    {
        var counts = tally.Counts;
        var console = context.Out;
        console.WriteLine($"{(failure is null ? "Imported" : "Partly imported")} {Path.GetFileName(file)} into {importer.Target}: {counts.Lines} lines");
        var grid = new Grid().AddColumn(new GridColumn().PadLeft(2)).AddColumn(new GridColumn().RightAligned());
        grid.AddRow(Outcomes.Created, Number(counts.Created));
        grid.AddRow(Outcomes.NewVersion, Number(counts.NewVersion));
        grid.AddRow(Outcomes.Unchanged, Number(counts.Unchanged));
        grid.AddRow(new Text(Outcomes.Rejected), new Text(Number(counts.Rejected), counts.Rejected > 0 ? new Style(Color.Red) : Style.Plain));
        console.Write(grid);

        if (tally.Rejections.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Simple).Title("Rejected lines")
            .AddColumn(new TableColumn("Line").RightAligned())
            .AddColumns("Code", "Pointer", "Detail");
        foreach (var rejection in tally.Rejections)
        {
            if (rejection.Errors.Count == 0)
            {
                table.AddRow(new Text(Number(rejection.Line)), new Text(rejection.Code), new Text(string.Empty), new Text(rejection.Detail));
                continue;
            }

            // One row per failing field; line and code only on the first, so a record reads as one block.
            for (var i = 0; i < rejection.Errors.Count; i++)
            {
                var error = rejection.Errors[i];
                table.AddRow(
                    new Text(i == 0 ? Number(rejection.Line) : string.Empty),
                    new Text(i == 0 ? rejection.Code : string.Empty),
                    new Text(error.Pointer),
                    new Text(error.Detail));
            }
        }

        console.WriteLine();
        console.Write(table);
    }

    private static void WriteJson(CliContext context, IImporter importer, string file, ImportTally tally, CliException? failure) =>
        CliJson.Write(context.Output, new ImportReport(Path.GetFullPath(file), importer.Target, tally.Counts, tally.Rejections, failure?.Message));

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"done/total lines" beside the bar.</summary>
    private sealed class LinesColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{task.Value:0}/{task.MaxValue:0} lines", new Style(Color.Grey));
    }
}

/// <summary>The JSON form of an import's result.</summary>
internal sealed record ImportReport(string File, string Target, ImportCounts Summary, IReadOnlyList<Rejection> Rejected, string? Error);
