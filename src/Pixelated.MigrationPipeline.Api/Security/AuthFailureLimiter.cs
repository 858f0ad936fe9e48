using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Api.Options;

namespace Pixelated.MigrationPipeline.Api.Security;

/// <summary>
/// ASP.NET Core's rate limiter on requests to <c>/api</c> that authentication did not accept (no key, a wrong key), and on
/// the dashboard's sign-in posts (where a key is tried, whether right or wrong): a
/// fixed window per client IP address (<c>Api:AuthFailures</c>). Over the limit: 429 with <c>Retry-After</c> and a
/// problem. Calls with a valid key and the open routes (health, OpenAPI, docs) are not limited. Runs after authentication.
/// </summary>
public static class AuthFailureLimiter
{
    public static IServiceCollection AddAuthFailureLimiter(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                if (http.User.Identity?.IsAuthenticated == true || !(http.Request.Path.StartsWithSegments("/api") || IsSignIn(http.Request)))
                    return RateLimitPartition.GetNoLimiter("");
                var limits = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.AuthFailures;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.PermitLimit,
                    Window = TimeSpan.FromSeconds(limits.WindowSeconds),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthFailureLimiter).FullName!)
                    .LogDebug("Too many requests without a valid API key from one address: 429");
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = "Too many requests without a valid API key from this address; try again after Retry-After seconds.",
                    },
                });
            };
        });
        return services;
    }

    private static bool IsSignIn(HttpRequest request) => HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments("/signin");
}
