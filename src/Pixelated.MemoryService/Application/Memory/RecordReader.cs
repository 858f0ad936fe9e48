using Pixelated.MemoryService.Access;
using Pixelated.MemoryService.Auth;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Application.Memory;

/// <summary>
/// The latest record of a kind: of one session (episodes whose <c>session_id</c> is it), or of a user across every session
/// and the migrated records. "Latest" is the newest <c>created_at</c>: the owner's episodes are paged newest first until
/// one matches, however long the graph's history.
/// </summary>
public sealed class RecordReader(SessionAccess access, Guard guard, ZepClient zep)
{
    public async Task<Outcome<RecordView>> LatestInSessionAsync(Caller caller, string sessionId, string kind, CancellationToken ct)
    {
        const string action = MemoryActions.ReadRecord;
        var (session, refusal) = await access.EnterAsync<RecordView>(caller, sessionId, Operation.ReadClinical, action, ct);
        if (refusal is not null) return refusal;
        var found = await LatestAsync(session!.UserId, kind, sessionId, ct);
        return await guard.RecordAsync(caller, action, session.UserId, sessionId, Answer(found, kind), ct);
    }

    public async Task<Outcome<RecordView>> LatestForUserAsync(Caller caller, string userId, string kind, CancellationToken ct)
    {
        const string action = MemoryActions.ReadRecord;
        if (await guard.CheckAsync<RecordView>(caller, Operation.ReadClinical, action, userId, null, ct) is { } refusal) return refusal;
        var found = await LatestAsync(userId, kind, null, ct);
        return await guard.RecordAsync(caller, action, userId, null, Answer(found, kind), ct);
    }

    private async Task<ZepEpisode?> LatestAsync(string userId, string kind, string? sessionId, CancellationToken ct)
    {
        var kinds = RecordKinds.ReadAs(kind);
        await foreach (var episode in UserEpisodes.ReadAsync(zep, userId, newestFirst: true, ct))
        {
            if (UserEpisodes.KindOf(episode) is not { } k || !kinds.Contains(k)) continue;
            if (sessionId is null || UserEpisodes.SessionOf(episode) == sessionId) return episode;
        }
        return null;
    }

    private static Outcome<RecordView> Answer(ZepEpisode? episode, string kind) => episode is null
        ? Outcome<RecordView>.NotFound($"no {kind} record")
        : Outcome<RecordView>.Ok(RecordView.Of(episode));
}
