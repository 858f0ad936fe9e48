namespace Pixelated.MemoryService.Idempotency;

/// <summary>Hourly, removes idempotency keys older than <c>Memory:IdempotencyHours</c> (a key is checked for age on use as well).</summary>
public sealed class IdempotencyRetention(IServiceScopeFactory scopes, TimeProvider clock, ILogger<IdempotencyRetention> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var removed = await scope.ServiceProvider.GetRequiredService<IdempotencyStore>().PurgeExpiredAsync(stoppingToken);
                if (removed > 0) logger.LogInformation("Removed {Count} expired idempotency keys", removed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Removing expired idempotency keys failed ({Error}); next try in an hour", e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
