namespace Pixelated.MemoryService.Application.Sessions;

/// <summary>Where a session stands. Only an <see cref="Open"/> session takes writes; every state can be read.</summary>
public enum SessionState
{
    Open,
    Closed,
    Expired,

    /// <summary>A Zep thread this service did not start (a migrated mem0 session): readable, never written to.</summary>
    Imported,
}

/// <summary>A session as an operation needs it: its thread id, its owner, its state and expiry (null for imported ones).</summary>
public sealed record SessionRef(string Id, string UserId, SessionState State, DateTimeOffset? ExpiresAt, string? CloseReason)
{
    public static string Name(SessionState state) => state switch
    {
        SessionState.Open => "open",
        SessionState.Closed => "closed",
        SessionState.Expired => "expired",
        _ => "imported",
    };

    /// <summary>Why a write is refused (409), or null when the session takes writes.</summary>
    public string? WriteRefusal => State switch
    {
        SessionState.Open => null,
        SessionState.Closed => "the session is closed; start a new session to write",
        SessionState.Expired => "the session expired (no write within its timeout); start a new session to write",
        _ => "the session was imported by the migration and is read-only; start a new session to write",
    };
}
