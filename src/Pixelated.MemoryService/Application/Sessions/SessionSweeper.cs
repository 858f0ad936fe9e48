using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Options;

namespace Pixelated.MemoryService.Application.Sessions;

/// <summary>
/// Every <c>Memory:SessionSweepSeconds</c>, closes the open sessions whose sliding expiry has passed (reason
/// <c>expired</c>) in one conditional update, so several instances sweeping at once close each session once.
/// Logs counts only.
/// </summary>
public sealed partial class SessionSweeper(IServiceScopeFactory scopes, IOptions<MemoryOptions> options, TimeProvider clock,
    ILogger<SessionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SessionSweepSeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var closed = await SweepAsync(stoppingToken);
                    if (closed > 0) LogSwept(logger, closed);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Closes every expired open session now; how many it closed.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MemoryDbContext>();
        var now = clock.GetUtcNow();
        return await db.Sessions
            .Where(s => s.ClosedAt == null && s.ExpiresAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ClosedAt, now).SetProperty(r => r.CloseReason, SessionRowState.ExpiredReason), ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session sweep closed {Count} expired sessions")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session sweep failed ({Error}); it runs again at the next tick")]
    private static partial void LogFailed(ILogger logger, string error);
}
