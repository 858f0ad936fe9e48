using Pixelated.MemoryService.Access;
using Pixelated.MemoryService.Auth;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MemoryService.Application.Memory;

/// <summary>A session's figures: its message count (Zep's total), its first and last message times, its records by kind.</summary>
public sealed record SessionStats(string SessionId, int MessageCount, string? FirstMessageAt, string? LastMessageAt, IReadOnlyDictionary<string, int> Records);

/// <summary>Reads <see cref="SessionStats"/>: the thread's first page and <c>lastn=1</c>, and every episode of the owner for the records.</summary>
public sealed class MemoryStats(SessionAccess access, Guard guard, ZepClient zep)
{
    public async Task<Outcome<SessionStats>> ReadAsync(Caller caller, string sessionId, CancellationToken ct)
    {
        const string action = MemoryActions.Stats;
        var (session, refusal) = await access.EnterAsync<SessionStats>(caller, sessionId, Operation.ReadClinical, action, ct);
        if (refusal is not null) return refusal;
        var owner = session!.UserId;
        var first = await zep.GetMessagesAsync(sessionId, limit: 1, cursor: 1, ct);
        var last = first is { TotalCount: > 0 } ? await zep.GetLastMessagesAsync(sessionId, 1, ct) : null;
        if (first is null)
            return await guard.RecordAsync(caller, action, owner, sessionId, Outcome<SessionStats>.NotFound("the session's memory is not in Zep (deleted)"), ct);

        var records = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await foreach (var episode in UserEpisodes.ReadAsync(zep, owner, newestFirst: false, ct))
        {
            if (UserEpisodes.SessionOf(episode) != sessionId || UserEpisodes.KindOf(episode) is not { } kind) continue;
            records[kind] = records.GetValueOrDefault(kind) + 1;
        }
        var stats = new SessionStats(sessionId, first.TotalCount, first.Messages.FirstOrDefault()?.CreatedAt,
            last?.Messages.LastOrDefault()?.CreatedAt, records);
        return await guard.RecordAsync(caller, action, owner, sessionId, Outcome<SessionStats>.Ok(stats), ct);
    }
}
