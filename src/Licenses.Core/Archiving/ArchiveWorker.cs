using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ElectronicLicense.Licenses.Archiving;

/// <summary>Drains the archive outbox (办结即归档) and runs queued export jobs, in the background of the API.</summary>
/// <remarks>A failure is logged (with no holder data) and retried by the queue's backoff; the worker itself never stops on one.</remarks>
internal sealed class ArchiveWorker(ArchiveService archives, ArchiveOptions options, TimeProvider clock, ILogger<ArchiveWorker> logger) : BackgroundService
{
    private const int Batch = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                busy |= await archives.ProcessQueueAsync(Batch, stoppingToken) > 0;
                busy |= await archives.RunNextExportJobAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database or store is unreachable: say so and try again after the poll interval.
                logger.LogWarning("Archive worker pass failed: {Error}: {Message}", e.GetType().Name, e.Message);
            }

            if (!busy)
            {
                try
                {
                    await Task.Delay(options.PollInterval, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
