using Pixelated.MemoryService.Application.Sessions;

namespace Pixelated.MemoryService.Endpoints;

/// <summary><c>/api/v1/sessions</c>: start (a new Zep thread), read and close sessions.</summary>
public static class SessionEndpoints
{
    public static RouteGroupBuilder MapSessionEndpoints(this RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Sessions");
        sessions.MapPost("/", async (NewSession body, SessionService service, HttpContext http, CancellationToken ct) =>
            (await service.StartAsync(OutcomeResults.CallerOf(http), body, ct)).ToResult(v => $"/api/v1/sessions/{Uri.EscapeDataString(v.SessionId)}"));
        sessions.MapGet("/{sessionId}", async (string sessionId, SessionService service, HttpContext http, CancellationToken ct) =>
            (await service.GetAsync(OutcomeResults.CallerOf(http), sessionId, ct)).ToResult());
        sessions.MapPost("/{sessionId}/close", async (string sessionId, SessionService service, HttpContext http, CancellationToken ct) =>
            (await service.CloseAsync(OutcomeResults.CallerOf(http), sessionId, ct)).ToResult());
        return api;
    }
}
