using Pixelated.MigrationPipeline.Api.Auth;
using Pixelated.MigrationPipeline.Api.Health;
using Scalar.AspNetCore;

namespace Pixelated.MigrationPipeline.Api.Endpoints;

public static class ApiEndpoints
{
    /// <summary>Every route: <c>/api/v1/*</c> (API key), health (open), the OpenAPI document and the interactive docs at <c>/docs</c>.</summary>
    public static void MapMigrationApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(ApiPolicies.Read).WithTags("migrations");
        api.MapStartMigration();
        api.MapRunQueries();
        api.MapRunControl();
        api.MapRunRepair();
        api.MapRunPurge();
        api.MapAudit();
        app.MapHealth();
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", o => o.WithTitle("Pixelated migration API"));
    }
}
