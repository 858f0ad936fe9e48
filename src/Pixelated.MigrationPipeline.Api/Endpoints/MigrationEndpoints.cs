using Pixelated.MigrationPipeline.Api.Audit;
using Pixelated.MigrationPipeline.Api.Auth;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Api.Endpoints;

/// <summary><c>POST /api/v1/migrations</c>: start a run from an upload or a path inside the drop folder.</summary>
public static class MigrationEndpoints
{
    public static void MapStartMigration(this RouteGroupBuilder api)
    {
        api.MapPost("/migrations", StartAsync)
            .RequireAuthorization(ApiPolicies.Operate)
            .WithMetadata(new AuditedAction("migration.start"))
            .AddEndpointFilter<AuditFilter>()
            .WithBody<RouteHandlerBuilder, StartMigrationRequest>(optional: false, "application/json", "multipart/form-data")
            .Produces<StartedRun>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithName("StartMigration")
            .WithSummary("Start a migration run from uploaded export files or a path inside the drop folder");
    }

    private static async Task<IResult> StartAsync(HttpContext http, StartRequestReader reader, RunLauncher launcher, CancellationToken ct)
    {
        var input = await reader.ReadAsync(http, ct);
        http.SetAuditDetail(input.AuditDetail);
        if (input.Problem is not null) return input.Problem;

        var o = input.Options;
        var runId = await launcher.StartAsync(new RunRequest(input.Paths, o.DryRun, o.AssignUserId, o.Users, o.Session, o.MaxUsersInFlight,
            StartedVia: "api", RequestedBy: http.User.Identity?.Name, UsersFile: input.UsersFile, UserPrefix: o.UserPrefix, UpdateUsers: o.UpdateUsers,
            Source: o.Source, FullExport: o.FullExport, PropagateDeletes: o.PropagateDeletes), ct);
        http.SetRunId(runId);
        var location = RunLinks.Run(runId);
        return TypedResults.Accepted(location, new StartedRun(runId, RunStatus.Created, location));
    }
}

/// <summary>The answer to a start: the run's id and where to follow it.</summary>
public sealed record StartedRun(Guid RunId, RunStatus Status, string Location);

public static class RunLinks
{
    public static string Run(Guid runId) => $"/api/v1/migrations/{runId}";
}
