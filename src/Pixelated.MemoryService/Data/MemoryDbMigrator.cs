using Microsoft.EntityFrameworkCore;

namespace Pixelated.MemoryService.Data;

/// <summary>Applies the service database's migrations when the host starts (waiting for PostgreSQL while it comes up).</summary>
public sealed class MemoryDbMigrator(IServiceScopeFactory scopes, ILogger<MemoryDbMigrator> logger) : IHostedService
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<MemoryDbContext>();
                await db.Database.MigrateAsync(cancellationToken);
                return;
            }
            catch (System.Data.Common.DbException e) when (DateTime.UtcNow < deadline && e.IsTransient)
            {
                logger.LogWarning("Memory database not reachable yet (attempt {Attempt}); retrying", attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, attempt)), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
