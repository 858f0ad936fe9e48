namespace Pixelated.ZepEmulator.RateLimiting;

/// <summary>One request's standing against the limit.</summary>
internal readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, long ResetUnixSeconds, int RetryAfterSeconds);

/// <summary>
/// Fixed window of 60 s aligned to wall-clock minutes (a live X-RateLimit-Reset, 1786963680, is a whole minute).
/// Every request, allowed or refused, counts against the window. 0 requests per minute = unlimited,
/// reported as X-RateLimit-Limit/Remaining = 2147483647.
/// </summary>
internal sealed class MinuteWindowRateLimiter(int requestsPerMinute, TimeProvider clock)
{
    private const long WindowSeconds = 60;
    private readonly Lock _gate = new();
    private long _windowStart = long.MinValue;
    private int _count;

    public RateLimitDecision Acquire()
    {
        var now = clock.GetUtcNow();
        var nowSeconds = now.ToUnixTimeSeconds();
        var windowStart = nowSeconds - (((nowSeconds % WindowSeconds) + WindowSeconds) % WindowSeconds);
        var reset = windowStart + WindowSeconds;

        if (requestsPerMinute == 0)
        {
            return new RateLimitDecision(true, int.MaxValue, int.MaxValue, reset, 0);
        }

        int count;
        lock (_gate)
        {
            if (windowStart != _windowStart)
            {
                _windowStart = windowStart;
                _count = 0;
            }

            count = ++_count;
        }

        var allowed = count <= requestsPerMinute;
        var remaining = Math.Max(0, requestsPerMinute - count);
        var retryAfter = (int)Math.Max(1, Math.Ceiling((DateTimeOffset.FromUnixTimeSeconds(reset) - now).TotalSeconds));
        return new RateLimitDecision(allowed, requestsPerMinute, remaining, reset, retryAfter);
    }
}
