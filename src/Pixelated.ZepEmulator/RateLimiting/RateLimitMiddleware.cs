using System.Globalization;
using Pixelated.ZepEmulator.Errors;

namespace Pixelated.ZepEmulator.RateLimiting;

/// <summary>
/// Puts X-RateLimit-Limit / -Remaining / -Reset / -Increment on every API response (401, 404 and 429 included)
/// and answers 429 with Retry-After once the window's quota is used up.
/// </summary>
internal sealed class RateLimitMiddleware(RequestDelegate next, MinuteWindowRateLimiter limiter)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var decision = limiter.Acquire();
        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = decision.ResetUnixSeconds.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Increment"] = "1";

        if (!decision.Allowed)
        {
            headers.RetryAfter = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await ZepError.WriteAsync(context, StatusCodes.Status429TooManyRequests, "rate limit exceeded");
            return;
        }

        await next(context);
    }
}
