using Pixelated.MigrationPipeline.Api.Audit;
using Pixelated.MigrationPipeline.Api.Auth;
using Pixelated.MigrationPipeline.Components.Repair;

namespace Pixelated.MigrationPipeline.Api.Endpoints;

/// <summary>
/// <c>POST /api/v1/migrations/{id}/repair</c> (operator, audited): reduces the duplicated episodes of the run's users in Zep
/// to one each and lists duplicated messages; <c>{"dryRun": true}</c> only reports.
/// </summary>
public static class RunRepairEndpoints
{
    public static void MapRunRepair(this RouteGroupBuilder api)
    {
        api.MapPost("/migrations/{id:guid}/repair", async (Guid id, RunRepairService repair, HttpContext http, CancellationToken ct) =>
            {
                var (body, problem) = await JsonBody.ReadAsync<RepairRequest>(http, optional: true, ct);
                if (problem is not null)
                {
                    http.SetAuditDetail("refused: the body");
                    return problem;
                }
                var report = await repair.RepairAsync(id, body?.DryRun ?? false, ct);
                if (report is null) return ApiProblems.RunNotFound(id);
                http.SetAuditDetail(report.Summary);
                return TypedResults.Ok(report);
            })
            .RequireAuthorization(ApiPolicies.Operate)
            .WithMetadata(new AuditedAction("migration.repair"))
            .AddEndpointFilter<AuditFilter>()
            .WithBody<RouteHandlerBuilder, RepairRequest>(optional: true, "application/json")
            .Produces<RepairReport>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithName("RepairMigration")
            .WithSummary("Delete duplicated episodes Zep holds under the run's keys (the oldest kept) and list duplicated messages; dryRun only reports");
    }
}

/// <summary>Optional body of a repair: <c>dryRun</c> reports what would be deleted and deletes nothing.</summary>
public sealed record RepairRequest(bool DryRun = false);
