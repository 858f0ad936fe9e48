using Pixelated.MemoryService.Access;
using Pixelated.MemoryService.Application.Sessions;
using Pixelated.MemoryService.Auth;

namespace Pixelated.MemoryService.Application.Memory;

/// <summary>
/// The first step of every operation on a session's memory: find the session (404 when neither our database nor Zep knows
/// it, audited) and check the operation against its owner (403, audited by <see cref="Guard"/>).
/// </summary>
public sealed class SessionAccess(SessionDirectory sessions, Guard guard)
{
    public async Task<SessionEntry<T>> EnterAsync<T>(Caller caller, string sessionId, Operation operation, string action, CancellationToken ct)
    {
        var session = await sessions.FindAsync(sessionId, ct);
        if (session is null)
            return new(null, await guard.RecordAsync(caller, action, null, sessionId, Outcome<T>.NotFound("no such session"), ct));
        var refusal = await guard.CheckAsync<T>(caller, operation, action, session.UserId, sessionId, ct);
        return new(session, refusal);
    }
}

/// <summary>The session found and allowed, or the refusal to answer with (already audited).</summary>
public readonly record struct SessionEntry<T>(SessionRef? Session, Outcome<T>? Refusal);
