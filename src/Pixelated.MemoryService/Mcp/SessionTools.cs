using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Pixelated.MemoryService.Application.Sessions;

namespace Pixelated.MemoryService.Mcp;

/// <summary><c>start_session</c>: <see cref="SessionService.StartAsync"/>, as <c>POST /api/v1/sessions</c>.</summary>
[McpServerToolType]
public sealed class SessionTools(ToolCaller caller, SessionService sessions, ToolIdempotency idempotency)
{
    [McpServerTool(Name = "start_session", Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(SessionStarted))]
    [Description("Starts a therapy session for a user (a Zep thread) and returns its sessionId and expiry. The session stays open " +
                 "while written to (sliding expiry); closed or expired sessions can be read but not written.")]
    public async Task<CallToolResult> StartSession(
        [Description("The user (patient) the session belongs to.")] string userId,
        [Description("Minutes the session stays open without a write, 5 to 1440 (default 30).")] int? timeoutMinutes = null,
        [Description(ToolIdempotency.Description)] string? idempotencyKey = null,
        CancellationToken ct = default) =>
        await idempotency.RunAsync("start_session", idempotencyKey, new { userId, timeoutMinutes }, async () =>
            ToolResults.From(await sessions.StartAsync(caller.Current, new NewSession(userId, timeoutMinutes), ct)), ct);
}
