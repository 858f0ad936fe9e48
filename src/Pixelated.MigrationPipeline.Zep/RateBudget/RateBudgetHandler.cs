using System.Diagnostics;
using Pixelated.MigrationPipeline.Zep.Telemetry;

namespace Pixelated.MigrationPipeline.Zep.RateBudget;

/// <summary>
/// Takes a permit from the shared budget before each attempt and feeds Zep's rate-limit answers back into it. The time
/// spent waiting (for a permit, or for the pause a 429 or a used-up window asks for) goes to <see cref="ZepMetrics"/>.
/// </summary>
public sealed class RateBudgetHandler(IZepRateBudget budget, TimeProvider clock, ZepMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var waiting = Stopwatch.GetTimestamp();
        await budget.AcquireAsync(cancellationToken);
        metrics.RecordBudgetWait(Stopwatch.GetElapsedTime(waiting));
        var response = await base.SendAsync(request, cancellationToken);
        if (RateLimitHeaders.Limit(response) is { } limit) budget.ObserveLimit(limit);
        if (RateLimitHeaders.PauseUntil(response, clock.GetUtcNow()) is { } until)
        {
            var paused = Stopwatch.GetTimestamp();
            await budget.BlockUntilAsync(until, cancellationToken);
            metrics.RecordBudgetWait(Stopwatch.GetElapsedTime(paused));
        }
        return response;
    }
}
