namespace Pixelated.MigrationPipeline.Zep.RateBudget;

/// <summary>Takes a permit from the shared budget before each attempt and feeds Zep's rate-limit answers back into it.</summary>
public sealed class RateBudgetHandler(IZepRateBudget budget, TimeProvider clock) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await budget.AcquireAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (RateLimitHeaders.Limit(response) is { } limit) budget.ObserveLimit(limit);
        if (RateLimitHeaders.PauseUntil(response, clock.GetUtcNow()) is { } until) await budget.BlockUntilAsync(until, cancellationToken);
        return response;
    }
}
