using ElectronicLicense.Licenses.Issuance;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ElectronicLicense.Licenses.Ingest;

/// <summary>Renders and seals, in the background of the API, the documents of versions that batches stored.</summary>
/// <remarks>
/// Woken when a batch queues jobs and on a timer, which also picks up what a crash left or another process queued. Each pass
/// renders across every core while the one before it attaches; passes of several processes share the queue through its leases.
/// </remarks>
internal sealed class DocumentIssuanceWorker(DocumentIssuance issuance, IssuanceOptions options, ILogger<DocumentIssuanceWorker> logger) : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        issuance.Queued += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    // Until nothing is due: a batch woke the worker, or the poll found jobs.
                    await issuance.RunPassesAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // The database or the store is unreachable: the jobs wait; no holder data is in these messages.
                    logger.LogWarning("Document issuance pass failed: {Error}: {Message}", e.GetType().Name, e.Message);
                }

                try
                {
                    await wake.WaitAsync(options.WorkerPollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        finally
        {
            issuance.Queued -= Wake;
        }
    }

    private void Wake()
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}
