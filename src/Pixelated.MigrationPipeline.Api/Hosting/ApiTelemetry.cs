using System.Diagnostics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pixelated.MigrationPipeline.Api.Auth;
using Pixelated.MigrationPipeline.Components.Hosting;

namespace Pixelated.MigrationPipeline.Api.Hosting;

/// <summary>
/// The API's telemetry: the pipeline's (<see cref="TelemetryServiceCollectionExtensions.AddPipelineTelemetry"/>), ASP.NET
/// Core's spans and metrics, the API's own meter, and the Prometheus exporter behind <c>/metrics</c>
/// (<see cref="MapMetrics"/>). Server spans name the route template, never the path: a path may hold a user id
/// (<c>/users/{userId}</c>), and so may the paths of a ZepEmulator hosted in the same process.
/// </summary>
public static class ApiTelemetry
{
    public const string ServiceName = "pixelated-migration-api";
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddApiTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPipelineTelemetry(configuration, ServiceName,
            tracing: t => t.AddAspNetCoreInstrumentation(o =>
            {
                o.Filter = http => !http.Request.Path.StartsWithSegments(MetricsPath);
                o.EnrichWithHttpRequest = (activity, _) => Redact(activity, route: null);
                o.EnrichWithHttpResponse = (activity, response) => Redact(activity, RouteOf(response.HttpContext));
            }),
            metrics: m => m.AddMeter(ApiKeyAuthenticationHandler.MeterName).AddAspNetCoreInstrumentation()
                // Every scrape reads the counters as they are: the exporter's default 300 ms response cache answered a
                // scrape right after a short run with the counts from before it (Prometheus scrapes every 15 s or so).
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    /// <summary>
    /// <c>GET /metrics</c>, Prometheus text format, without an API key (as <c>/health</c>): labels are templates, statuses
    /// and outcomes only, no user id or content.
    /// </summary>
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();

    private static string? RouteOf(HttpContext http) => (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;

    private static void Redact(Activity activity, string? route)
    {
        activity.SetTag("url.path", route is null ? null : "/" + route.TrimStart('/'));
        activity.SetTag("url.query", null);
    }
}
