using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pixelated.MigrationPipeline.Ledger;

/// <summary>Applies the ledger's migrations when a host starts, before anything consumes.</summary>
public sealed class LedgerMigrator(IServiceScopeFactory scopes, ILogger<LedgerMigrator> logger) : IHostedService
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>Waits for the ledger to answer (a worker may start while PostgreSQL restarts), then migrates it.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await MigrateAsync(cancellationToken);
                return;
            }
            catch (System.Data.Common.DbException e) when (DateTime.UtcNow < deadline && e.IsTransient)
            {
                logger.LogWarning("Ledger not reachable yet (attempt {Attempt}); retrying", attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, attempt)), cancellationToken);
            }
        }
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} ledger migration(s)", pending.Count);
            await db.Database.MigrateAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
