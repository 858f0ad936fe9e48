using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Endpoints;
using Pixelated.MemoryService.Idempotency;
using Pixelated.MemoryService.Mcp;
using Scalar.AspNetCore;

namespace Pixelated.MemoryService.Hosting;

public static class MemoryServiceApp
{
    /// <summary>The middleware and every route: <c>/api/v1/...</c> and <c>/mcp</c> (a caller with a known role), health, OpenAPI and docs (anonymous).</summary>
    public static WebApplication UseMemoryService(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<IdempotencyMiddleware>();

        var api = app.MapGroup("/api/v1").RequireAuthorization(BearerAuthentication.CallerPolicy);
        // Route groups of the operations are mapped here.
        api.MapUserEndpoints();
        api.MapSessionEndpoints();
        api.MapMemoryEndpoints();
        api.MapUserRecordEndpoints();
        api.MapAuditEndpoints();
        app.MapMemoryMcp(); // /mcp: the same operations as MCP tools, under the same policy

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(MemoryServiceCollectionExtensions.ReadyTag) }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs").AllowAnonymous();
        return app;
    }
}
