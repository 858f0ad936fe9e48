using Pixelated.MemoryService.Data.Entities;

namespace Pixelated.MemoryService.Application.Sessions;

/// <summary>The state of a session this service started: closed or expired when closed; an open one past its expiry reads as expired before the sweep closes it.</summary>
public static class SessionRowState
{
    public const string ClosedReason = "closed";
    public const string ExpiredReason = "expired";

    public static SessionState Of(SessionRow row, DateTimeOffset now) =>
        row.ClosedAt is not null
            ? row.CloseReason == ExpiredReason ? SessionState.Expired : SessionState.Closed
            : row.ExpiresAt <= now ? SessionState.Expired : SessionState.Open;
}
