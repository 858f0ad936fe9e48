namespace Pixelated.MemoryService.Application.Sessions;

/// <summary>A session to start (<c>POST /api/v1/sessions</c>): whose, and how long it stays open without a write (5..1440 minutes, default 30).</summary>
public sealed record NewSession(string? UserId, int? TimeoutMinutes);

/// <summary>A started session: ids and times only.</summary>
public sealed record SessionStarted(string SessionId, string UserId, string State, DateTimeOffset ExpiresAt);

/// <summary>A session's metadata (no content). Imported threads (migrated) carry no times of ours.</summary>
public sealed record SessionDetails(string SessionId, string UserId, string State, DateTimeOffset? CreatedAt,
    DateTimeOffset? LastActivityAt, DateTimeOffset? ExpiresAt, DateTimeOffset? ClosedAt, string? CloseReason);

/// <summary>One line of a user's session list.</summary>
public sealed record SessionListItem(string SessionId, string UserId, string State, DateTimeOffset? CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? ClosedAt);

/// <summary>A closed session.</summary>
public sealed record SessionClosed(string SessionId, string State);
