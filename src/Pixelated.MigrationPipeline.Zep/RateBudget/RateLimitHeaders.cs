using System.Globalization;
using System.Net;

namespace Pixelated.MigrationPipeline.Zep.RateBudget;

/// <summary>Reads Zep's rate-limit headers (CONTRACT §7.1): when to pause, and the account's limit.</summary>
public static class RateLimitHeaders
{
    public static int? Limit(HttpResponseMessage response) => Int(response, "X-RateLimit-Limit");

    /// <summary>Until when no request should be sent, or null when nothing says so.</summary>
    public static DateTimeOffset? PauseUntil(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            if (response.Headers.RetryAfter?.Delta is { } delta) return now + delta;
            if (response.Headers.RetryAfter?.Date is { } date) return date;
            return now.AddSeconds(1);
        }
        if (Int(response, "X-RateLimit-Remaining") == 0 && Long(response, "X-RateLimit-Reset") is { } reset and > 0)
        {
            var until = DateTimeOffset.FromUnixTimeSeconds(reset);
            return until > now ? until : null;
        }
        return null;
    }

    private static int? Int(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) && int.TryParse(v.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;

    private static long? Long(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) && long.TryParse(v.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;
}
