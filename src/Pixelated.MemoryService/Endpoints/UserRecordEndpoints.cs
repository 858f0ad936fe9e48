using Pixelated.MemoryService.Application;
using Pixelated.MemoryService.Application.Memory;

namespace Pixelated.MemoryService.Endpoints;

/// <summary><c>/api/v1/users/{userId}/summary|emotional-state|treatment-plan</c>: a user's latest record of a kind across every session and the migrated records.</summary>
public static class UserRecordEndpoints
{
    public static RouteGroupBuilder MapUserRecordEndpoints(this RouteGroupBuilder api)
    {
        var user = api.MapGroup("/users/{userId}").WithTags("Records");
        MapLatest(user, "/summary", RecordKinds.SessionSummary);
        MapLatest(user, "/emotional-state", RecordKinds.EmotionalState);
        MapLatest(user, "/treatment-plan", RecordKinds.TreatmentPlan);
        return api;
    }

    private static void MapLatest(RouteGroupBuilder user, string route, string kind) =>
        user.MapGet(route, async (string userId, HttpContext http, RecordReader reader, CancellationToken ct) =>
            (await reader.LatestForUserAsync(OutcomeResults.CallerOf(http), userId, kind, ct)).ToResult());
}
