using Pixelated.MemoryService.Application.Sessions;
using Pixelated.MemoryService.Application.Users;

namespace Pixelated.MemoryService.Endpoints;

/// <summary><c>/api/v1/users</c>: create, read, change and erase users; a user's sessions; a patient's therapists.</summary>
public static class UserEndpoints
{
    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapPost("/", async (NewUser body, UserService service, HttpContext http, CancellationToken ct) =>
            (await service.CreateAsync(OutcomeResults.CallerOf(http), body, ct)).ToResult(v => $"/api/v1/users/{Uri.EscapeDataString(v.UserId)}"));
        users.MapGet("/{userId}", async (string userId, UserService service, HttpContext http, CancellationToken ct) =>
            (await service.GetAsync(OutcomeResults.CallerOf(http), userId, ct)).ToResult());
        users.MapPut("/{userId}", async (string userId, UserChanges body, UserService service, HttpContext http, CancellationToken ct) =>
            (await service.UpdateAsync(OutcomeResults.CallerOf(http), userId, body, ct)).ToResult());
        users.MapDelete("/{userId}", async (string userId, UserErasure service, HttpContext http, CancellationToken ct) =>
            (await service.EraseAsync(OutcomeResults.CallerOf(http), userId, ct)).ToResult());
        users.MapGet("/{userId}/sessions", async (string userId, SessionService service, HttpContext http, CancellationToken ct) =>
            (await service.ListForUserAsync(OutcomeResults.CallerOf(http), userId, ct)).ToResult());
        users.MapPut("/{patientId}/therapists", async (string patientId, TherapistSet body, AssignmentService service, HttpContext http, CancellationToken ct) =>
            (await service.SetAsync(OutcomeResults.CallerOf(http), patientId, body, ct)).ToResult());
        return api;
    }
}
