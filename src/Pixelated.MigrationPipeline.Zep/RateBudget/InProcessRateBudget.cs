using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Pixelated.MigrationPipeline.Zep.RateBudget;

/// <summary>
/// The budget of a single process (the one-process mode): a token bucket (System.Threading.RateLimiting) refilled at
/// <c>Zep:RequestsPerMinute</c> with a few seconds of burst, plus the pauses Zep asks for.
/// </summary>
public sealed class InProcessRateBudget : IZepRateBudget, IDisposable
{
    private readonly TimeProvider _clock;
    private readonly int _configured;
    private TokenBucketRateLimiter? _limiter;
    private int _effective;
    private long _blockedUntilTicks;

    public InProcessRateBudget(IOptions<ZepOptions> options, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _configured = options.Value.RequestsPerMinute;
        _effective = _configured;
        _limiter = _configured > 0 ? CreateLimiter(_configured) : null;
    }

    public async ValueTask AcquireAsync(CancellationToken ct)
    {
        while (true)
        {
            var wait = new DateTimeOffset(Interlocked.Read(ref _blockedUntilTicks), TimeSpan.Zero) - _clock.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, _clock, ct);
            else break;
        }
        if (Volatile.Read(ref _limiter) is { } limiter)
        {
            using var lease = await limiter.AcquireAsync(1, ct);
            if (!lease.IsAcquired) throw new InvalidOperationException("The Zep rate budget's queue is full.");
        }
    }

    public ValueTask BlockUntilAsync(DateTimeOffset until, CancellationToken ct)
    {
        AtomicMax.Raise(ref _blockedUntilTicks, until.UtcTicks);
        return ValueTask.CompletedTask;
    }

    public void ObserveLimit(int requestsPerMinute)
    {
        if (requestsPerMinute <= 0 || (_effective > 0 && requestsPerMinute >= _effective)) return;
        if (_configured == 0) return; // no client-side limit asked for: rely on Zep's pauses
        _effective = requestsPerMinute;
        var old = Interlocked.Exchange(ref _limiter, CreateLimiter(requestsPerMinute));
        old?.Dispose();
    }

    private static TokenBucketRateLimiter CreateLimiter(int requestsPerMinute) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = Math.Max(1, requestsPerMinute / 20), // at most 3 s of burst
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromMinutes(1) / requestsPerMinute,
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    public void Dispose() => _limiter?.Dispose();
}
