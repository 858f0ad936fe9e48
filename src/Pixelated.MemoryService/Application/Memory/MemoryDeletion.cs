using Microsoft.EntityFrameworkCore;
using Pixelated.MemoryService.Access;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MemoryService.Application.Memory;

/// <summary>A deletion's answer: the session, and how many record episodes went with its thread.</summary>
public sealed record MemoryDeleted(string SessionId, bool Deleted, int RecordsDeleted);

/// <summary>
/// Deletes a session's memory for real: its Zep thread (every message) and the record episodes written in it; our session
/// row stays, closed with reason <c>deleted</c>, so the audit and the session list still make sense.
/// </summary>
public sealed class MemoryDeletion(SessionAccess access, Guard guard, ZepClient zep, MemoryDbContext db, TimeProvider clock)
{
    public const string DeletedReason = "deleted";

    public async Task<Outcome<MemoryDeleted>> DeleteAsync(Caller caller, string sessionId, CancellationToken ct)
    {
        const string action = MemoryActions.Delete;
        var (session, refusal) = await access.EnterAsync<MemoryDeleted>(caller, sessionId, Operation.DeleteClinical, action, ct);
        if (refusal is not null) return refusal;
        var owner = session!.UserId;

        await zep.DeleteThreadAsync(sessionId, ct);
        var records = new List<string>();
        await foreach (var episode in UserEpisodes.ReadAsync(zep, owner, newestFirst: false, ct))
            if (UserEpisodes.SessionOf(episode) == sessionId) records.Add(episode.Uuid);
        var deleted = 0;
        foreach (var uuid in records)
            if (await zep.DeleteEpisodeAsync(uuid, ct)) deleted++;

        var row = await db.Sessions.FirstOrDefaultAsync(s => s.Id == sessionId, ct);
        if (row is not null)
        {
            row.ClosedAt ??= clock.GetUtcNow();
            row.CloseReason = DeletedReason;
            await db.SaveChangesAsync(ct);
        }
        return await guard.RecordAsync(caller, action, owner, sessionId, Outcome<MemoryDeleted>.Ok(new(sessionId, true, deleted)), ct);
    }
}
