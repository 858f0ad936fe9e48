using System.Net;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Api.Dashboard;

/// <summary>
/// When this process's Zep client was answered 429 (every attempt, retries included): what the run page shows as 429s
/// during the run, counted per run over its lifetime and drawn on the throughput chart. The ledger records Zep requests per
/// user but not their statuses, so only the calls of this process are seen: with the in-memory bus (the embedded default)
/// that is every call; with RabbitMQ the workers send them, and their 429s are in the metrics, not here. Keeps the latest
/// <see cref="Capacity"/> times (nothing else: no route, no user).
/// </summary>
public sealed class ZepThrottleWatch(TimeProvider clock)
{
    public const int Capacity = 100_000;

    private readonly Queue<DateTimeOffset> _times = new();
    private readonly Lock _lock = new();

    public void Record()
    {
        lock (_lock)
        {
            if (_times.Count == Capacity) _times.Dequeue();
            _times.Enqueue(clock.GetUtcNow());
        }
    }

    /// <summary>The 429s seen between <paramref name="from"/> and <paramref name="to"/> (inclusive), oldest first.</summary>
    public IReadOnlyList<DateTimeOffset> Between(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_lock) return _times.Where(t => t >= from && t <= to).ToList();
    }
}

/// <summary>Appended to the Zep client's handlers (innermost: it sees each attempt) to feed <see cref="ZepThrottleWatch"/>.</summary>
public sealed class ZepThrottleWatchHandler(ZepThrottleWatch watch) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests) watch.Record();
        return response;
    }
}

public static class ZepThrottleWatchRegistration
{
    public static IServiceCollection AddZepThrottleWatch(this IServiceCollection services)
    {
        services.AddSingleton<ZepThrottleWatch>();
        services.AddTransient<ZepThrottleWatchHandler>();
        // The typed client's name: adds a handler to the pipeline the Zep project built, without registering the client again.
        services.AddHttpClient(nameof(ZepClient)).AddHttpMessageHandler<ZepThrottleWatchHandler>();
        return services;
    }
}
