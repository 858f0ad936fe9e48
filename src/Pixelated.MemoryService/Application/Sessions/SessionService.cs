using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pixelated.MemoryService.Access;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Data.Entities;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Application.Sessions;

/// <summary>
/// Starts, reads, closes and lists sessions. A session is a Zep thread, created when the session starts; its lifetime
/// (sliding expiry, closing) lives in the service's database so every instance sees the same. Threads of a user that
/// this service did not start (migrated ones) are listed and read as <see cref="SessionState.Imported"/>.
/// </summary>
public sealed class SessionService(ZepClient zep, MemoryDbContext db, SessionDirectory directory, Guard guard, TimeProvider clock)
{
    public const int MinTimeoutMinutes = 5;
    public const int MaxTimeoutMinutes = 1440;
    public const int DefaultTimeoutMinutes = 30;

    public async Task<Outcome<SessionStarted>> StartAsync(Caller caller, NewSession request, CancellationToken ct)
    {
        const string action = "session.start";
        if (string.IsNullOrEmpty(request.UserId)) return Outcome<SessionStarted>.Invalid("userId", "is required");
        var userId = request.UserId;
        if (await guard.CheckAsync<SessionStarted>(caller, Operation.StartSession, action, userId, null, ct) is { } denied) return denied;

        var timeout = request.TimeoutMinutes ?? DefaultTimeoutMinutes;
        if (timeout is < MinTimeoutMinutes or > MaxTimeoutMinutes)
            return await guard.RecordAsync(caller, action, userId, null,
                Outcome<SessionStarted>.Invalid("timeoutMinutes", $"must be between {MinTimeoutMinutes} and {MaxTimeoutMinutes}"), ct);
        if (await zep.GetUserAsync(userId, ct) is null)
            return await guard.RecordAsync(caller, action, userId, null, Outcome<SessionStarted>.NotFound("no such user"), ct);

        var sessionId = "session-" + Guid.NewGuid().ToString("N");
        if (!await zep.CreateThreadAsync(new CreateThreadRequest(sessionId, userId), ct))
            return await guard.RecordAsync(caller, action, userId, sessionId, Outcome<SessionStarted>.Conflict("the session id is taken; retry"), ct);

        var now = clock.GetUtcNow();
        var row = new SessionRow
        {
            Id = sessionId, UserId = userId, StartedBy = caller.Id, TimeoutMinutes = timeout,
            CreatedAt = now, LastActivityAt = now, ExpiresAt = now.AddMinutes(timeout),
        };
        try
        {
            db.Sessions.Add(row);
            await db.SaveChangesAsync(ct);
            db.Entry(row).State = EntityState.Detached;
        }
        catch
        {
            // Without its row the thread would read as an imported session: take it back out of Zep.
            await zep.DeleteThreadAsync(sessionId, CancellationToken.None);
            throw;
        }
        return await guard.RecordAsync(caller, action, userId, sessionId,
            Outcome<SessionStarted>.Created(new SessionStarted(sessionId, userId, SessionRef.Name(SessionState.Open), row.ExpiresAt)), ct);
    }

    /// <summary>A session's metadata; an unknown id is 404 (access is decided by the owner, which an unknown id lacks).</summary>
    public async Task<Outcome<SessionDetails>> GetAsync(Caller caller, string sessionId, CancellationToken ct)
    {
        const string action = "session.read";
        var row = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, ct);
        var found = row is null ? await directory.FindAsync(sessionId, ct) : null;
        var owner = row?.UserId ?? found?.UserId;
        if (owner is null) return await guard.RecordAsync(caller, action, null, sessionId, Outcome<SessionDetails>.NotFound("no such session"), ct);
        if (await guard.CheckAsync<SessionDetails>(caller, Operation.ReadSessions, action, owner, sessionId, ct) is { } denied) return denied;

        var details = row is null
            ? new SessionDetails(sessionId, owner, SessionRef.Name(SessionState.Imported), null, null, null, null, null)
            : new SessionDetails(row.Id, row.UserId, SessionRef.Name(SessionRowState.Of(row, clock.GetUtcNow())), row.CreatedAt,
                row.LastActivityAt, row.ExpiresAt, row.ClosedAt, row.CloseReason);
        return await guard.RecordAsync(caller, action, owner, sessionId, Outcome<SessionDetails>.Ok(details), ct);
    }

    /// <summary>Closes an open session in one conditional update (a sweep or another instance may be closing it too).</summary>
    public async Task<Outcome<SessionClosed>> CloseAsync(Caller caller, string sessionId, CancellationToken ct)
    {
        const string action = "session.close";
        var session = await directory.FindAsync(sessionId, ct);
        if (session is null) return await guard.RecordAsync(caller, action, null, sessionId, Outcome<SessionClosed>.NotFound("no such session"), ct);
        if (await guard.CheckAsync<SessionClosed>(caller, Operation.CloseSession, action, session.UserId, sessionId, ct) is { } denied) return denied;
        if (session.State == SessionState.Imported)
            return await guard.RecordAsync(caller, action, session.UserId, sessionId,
                Outcome<SessionClosed>.Conflict("the session was imported by the migration and has no lifetime to close"), ct);

        var now = clock.GetUtcNow();
        var closed = await db.Sessions
            .Where(s => s.Id == sessionId && s.ClosedAt == null && s.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ClosedAt, now).SetProperty(r => r.CloseReason, SessionRowState.ClosedReason), ct);
        Outcome<SessionClosed> outcome;
        if (closed == 1)
            outcome = Outcome<SessionClosed>.Ok(new SessionClosed(sessionId, SessionRef.Name(SessionState.Closed)));
        else
        {
            var state = (await directory.FindAsync(sessionId, ct))?.State ?? SessionState.Closed;
            outcome = Outcome<SessionClosed>.Conflict(state == SessionState.Expired
                ? "the session already expired (no write within its timeout)"
                : "the session is already closed");
        }
        return await guard.RecordAsync(caller, action, session.UserId, sessionId, outcome, ct);
    }

    /// <summary>
    /// A user's sessions, newest first: the ones this service started, and the user's other Zep threads (imported).
    /// 404 when neither the database nor Zep knows the user.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<SessionListItem>>> ListForUserAsync(Caller caller, string userId, CancellationToken ct)
    {
        const string action = "user.sessions";
        if (await guard.CheckAsync<IReadOnlyList<SessionListItem>>(caller, Operation.ReadSessions, action, userId, null, ct) is { } denied) return denied;

        var now = clock.GetUtcNow();
        var rows = await db.Sessions.AsNoTracking().Where(s => s.UserId == userId).ToListAsync(ct);
        var ours = rows.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var threads = await zep.GetUserThreadsAsync(userId, ct);
        var items = rows
            .Select(r => new SessionListItem(r.Id, r.UserId, SessionRef.Name(SessionRowState.Of(r, now)), r.CreatedAt, r.ExpiresAt, r.ClosedAt))
            .Concat(threads.Where(t => !ours.Contains(t.ThreadId))
                .Select(t => new SessionListItem(t.ThreadId, userId, SessionRef.Name(SessionState.Imported), Instant(t.CreatedAt), null, null)))
            .OrderByDescending(i => i.CreatedAt ?? DateTimeOffset.MinValue)
            .ThenBy(i => i.SessionId, StringComparer.Ordinal)
            .ToList();

        Outcome<IReadOnlyList<SessionListItem>> outcome = items.Count == 0 && await zep.GetUserAsync(userId, ct) is null
            ? Outcome<IReadOnlyList<SessionListItem>>.NotFound("no such user")
            : Outcome<IReadOnlyList<SessionListItem>>.Ok(items);
        return await guard.RecordAsync(caller, action, userId, null, outcome, ct);
    }

    private static DateTimeOffset? Instant(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
