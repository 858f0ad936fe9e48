using Pixelated.MemoryService.Application.AuditQueries;

namespace Pixelated.MemoryService.Endpoints;

/// <summary><c>GET /api/v1/audit</c> (paged by <c>afterId</c>, filtered by subject or action) and <c>GET /api/v1/audit/verify</c>: admin only.</summary>
public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Audit");
        audit.MapGet("", (HttpContext http, AuditReader reader, string? subjectUserId, string? action, long? afterId, int? limit, CancellationToken ct) =>
                Run(reader.ReadAsync(OutcomeResults.CallerOf(http), subjectUserId, action, afterId, limit ?? 100, ct)))
            .WithSummary("The audit trail, oldest first: who did what to whom, when, with what outcome (never content).");
        audit.MapGet("/verify", (HttpContext http, AuditReader reader, CancellationToken ct) => Run(reader.VerifyAsync(OutcomeResults.CallerOf(http), ct)))
            .WithSummary("Walks the hash chain: intact, or the first row that was edited or follows a deleted row.");
        return api;
    }

    private static async Task<IResult> Run<T>(Task<Application.Outcome<T>> outcome) => (await outcome).ToResult();
}
