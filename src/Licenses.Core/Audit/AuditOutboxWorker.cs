using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ElectronicLicense.Licenses.Audit;

/// <summary>Starts the audit log with the API and appends the outbox on a timer, in the background.</summary>
/// <remarks>
/// Services append their own outbox rows right after their commit; this pass picks up what they could not: rows left by a
/// process that crashed between its commit and that append, or by an append that failed. A failure is logged and retried.
/// </remarks>
internal sealed class AuditOutboxWorker(AuditLog log, AuditOptions options, TimeProvider clock, ILogger<AuditOutboxWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await log.StartAsync(stoppingToken);
                await log.AppendOutboxAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // No holder data in the message: database errors name tables and constraints, not values.
                logger.LogWarning("Audit outbox pass failed: {Error}: {Message}", e.GetType().Name, e.Message);
            }

            try
            {
                await Task.Delay(options.OutboxPollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
