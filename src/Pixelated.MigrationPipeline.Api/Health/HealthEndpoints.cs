using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Pixelated.MigrationPipeline.Api.Health;

/// <summary>
/// <c>/health/live</c>: the process answers (no checks). <c>/health/ready</c>: the checks tagged <c>ready</c> (ledger, bus,
/// Zep); 503 when one is unhealthy. Both without a key, for load balancers and orchestrators.
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthJson.WriteAsync })
            .AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = HealthJson.WriteAsync })
            .AllowAnonymous();
    }
}
