using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Api.Auth;
using Pixelated.MigrationPipeline.Ledger;

namespace Pixelated.MigrationPipeline.Api.Endpoints;

/// <summary><c>GET /api/v1/audit</c> (operators): who did what to which run, when, and how it ended; newest first.</summary>
public static class AuditEndpoints
{
    public static void MapAudit(this RouteGroupBuilder api) =>
        api.MapGet("/audit", ListAsync)
            .RequireAuthorization(ApiPolicies.Operate)
            .WithName("ListAudit")
            .WithSummary("The audit trail of operator actions, newest first (?runId=, ?take=)")
            .Produces<AuditList>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

    private static async Task<IResult> ListAsync(LedgerDbContext db, Guid? runId, int? take, CancellationToken ct)
    {
        if (take is < 1 or > 10_000) return ApiProblems.BadRequest("'take' must be between 1 and 10000.");
        var entries = await db.Audit.AsNoTracking()
            .Where(a => runId == null || a.RunId == runId)
            .OrderByDescending(a => a.Id)
            .Take(take ?? 100)
            .Select(a => new AuditView(a.Id, a.At, a.Actor, a.Role, a.Action, a.RunId, a.Detail, a.Outcome))
            .ToListAsync(ct);
        return TypedResults.Ok(new AuditList(entries));
    }
}

public sealed record AuditList(IReadOnlyList<AuditView> Entries);

public sealed record AuditView(long Id, DateTimeOffset At, string Actor, string Role, string Action, Guid? RunId, string? Detail, int Outcome);
