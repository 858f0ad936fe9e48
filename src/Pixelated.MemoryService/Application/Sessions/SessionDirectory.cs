using Microsoft.EntityFrameworkCore;
using Pixelated.MemoryService.Data;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MemoryService.Application.Sessions;

/// <summary>
/// Finds sessions: those this service started (its database: owner, expiry, closing) and, for any other id, the Zep thread
/// of that id (a migrated mem0 session, read-only, owned by the thread's user). An open session past its expiry reads as
/// expired before the sweep has closed it. <see cref="TouchAsync"/> slides an open session's expiry on a write.
/// </summary>
public sealed class SessionDirectory(MemoryDbContext db, ZepClient zep, TimeProvider clock)
{
    public async Task<SessionRef?> FindAsync(string sessionId, CancellationToken ct)
    {
        var row = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, ct);
        if (row is not null)
        {
            var state = row.ClosedAt is not null
                ? row.CloseReason == "expired" ? SessionState.Expired : SessionState.Closed
                : row.ExpiresAt <= clock.GetUtcNow() ? SessionState.Expired : SessionState.Open;
            return new SessionRef(row.Id, row.UserId, state, row.ExpiresAt, row.CloseReason);
        }
        var thread = await zep.GetMessagesAsync(sessionId, limit: 1, cursor: 1, ct);
        return thread?.UserId is { Length: > 0 } owner ? new SessionRef(sessionId, owner, SessionState.Imported, null, null) : null;
    }

    /// <summary>
    /// Moves an open session's expiry to now plus its timeout; false when it is no longer open (closed or expired meanwhile).
    /// On PostgreSQL one conditional UPDATE that reads the timeout from the row; SQLite (its offsets stored as numbers) reads
    /// the timeout first.
    /// </summary>
    public async Task<bool> TouchAsync(string sessionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var open = db.Sessions.Where(s => s.Id == sessionId && s.ClosedAt == null && s.ExpiresAt > now);
        if (db.Database.IsNpgsql())
            return await open.ExecuteUpdateAsync(u => u
                .SetProperty(s => s.LastActivityAt, now)
                .SetProperty(s => s.ExpiresAt, s => now.AddMinutes(s.TimeoutMinutes)), ct) == 1;
        var timeout = await open.Select(s => s.TimeoutMinutes).FirstOrDefaultAsync(ct);
        if (timeout == 0) return false;
        return await open.ExecuteUpdateAsync(u => u
            .SetProperty(s => s.LastActivityAt, now)
            .SetProperty(s => s.ExpiresAt, now.AddMinutes(timeout)), ct) == 1;
    }
}
