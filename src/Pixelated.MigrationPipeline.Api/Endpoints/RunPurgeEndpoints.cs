using Pixelated.MigrationPipeline.Api.Audit;
using Pixelated.MigrationPipeline.Api.Auth;
using Pixelated.MigrationPipeline.Components.Retention;
using Pixelated.MigrationPipeline.Components.Runs;

namespace Pixelated.MigrationPipeline.Api.Endpoints;

/// <summary>
/// <c>POST /api/v1/migrations/{id}/purge</c> (operator, audited): removes the content a finished run's items still hold in
/// the ledger (keys and hashes kept); 200 with counts, 404, or 409 while the run is not finished.
/// </summary>
public static class RunPurgeEndpoints
{
    public static void MapRunPurge(this RouteGroupBuilder api)
    {
        api.MapPost("/migrations/{id:guid}/purge", async (Guid id, RunPurgeService purge, HttpContext http, CancellationToken ct) =>
            {
                var result = await purge.PurgeAsync(id, ct);
                switch (result.Outcome)
                {
                    case ControlOutcome.NotFound: return ApiProblems.RunNotFound(id);
                    case ControlOutcome.Conflict:
                        http.SetAuditDetail("refused: run not finished");
                        return ApiProblems.Conflict(result.Message);
                }
                http.SetAuditDetail(result.Report!.Summary);
                return TypedResults.Ok(result.Report);
            })
            .RequireAuthorization(ApiPolicies.Operate)
            .WithMetadata(new AuditedAction("migration.purge"))
            .AddEndpointFilter<AuditFilter>()
            .Produces<PurgeReport>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("PurgeMigration")
            .WithSummary("Remove the content a finished run's items still hold in the ledger (keys and hashes kept); counts only");
    }
}
