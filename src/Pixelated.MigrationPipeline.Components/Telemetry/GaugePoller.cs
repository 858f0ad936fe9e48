using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Zep.Telemetry;

namespace Pixelated.MigrationPipeline.Components.Telemetry;

/// <summary>
/// Reads the ledger and (on RabbitMQ) the dead-letter queues every <see cref="TelemetryOptions.GaugeIntervalSeconds"/>
/// into <see cref="PipelineGauges"/>. A failed read keeps the last values and says so once at debug level per failure.
/// Takes <see cref="ZepMetrics"/> so that the Zep instruments (the circuit gauge) exist from the start, before a first call.
/// </summary>
public sealed class GaugePoller(IServiceScopeFactory scopes, PipelineGauges gauges, ZepMetrics zepMetrics, IOptions<TelemetryOptions> options,
    IOptions<PipelineOptions> pipeline, IConfiguration configuration, ILogger<GaugePoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        GC.KeepAlive(zepMetrics);
        var rabbit = pipeline.Value.UsesRabbitMq && configuration.GetConnectionString("RabbitMq") is { } uri ? new DeadLetterQueues(new Uri(uri)) : null;
        await using var _ = rabbit;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.GaugeIntervalSeconds));
        do
        {
            await ReadLedgerAsync(stoppingToken);
            if (rabbit is not null) await ReadQueuesAsync(rabbit, stoppingToken);
        }
        while (await Wait(timer, stoppingToken));
    }

    private static async Task<bool> Wait(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    private async Task ReadLedgerAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            gauges.SetUsersInFlight(await UsersInFlightQuery.ReadAsync(scope.ServiceProvider.GetRequiredService<LedgerDbContext>(), ct));
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogDebug("The users-in-flight gauge could not read the ledger ({Error}); keeping its last value", e.GetType().Name);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ReadQueuesAsync(DeadLetterQueues queues, CancellationToken ct)
    {
        try
        {
            gauges.SetDeadLetters(await queues.ReadAsync(ct));
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogDebug("The dead-letter gauge could not read RabbitMQ ({Error}); keeping its last value", e.GetType().Name);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
