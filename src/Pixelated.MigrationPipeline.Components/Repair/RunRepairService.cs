using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.Components.Users;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Repair;

/// <summary>
/// Removes from Zep the duplicates that earlier versions of this tool, or other tools, left under our idempotency keys, for
/// every user of a run: of the episodes that carry one key more than once, the oldest (the first Zep lists by
/// <c>created_at</c>) is kept and the others are deleted through graph.episode.delete. Zep v3 cannot delete one message of a
/// thread, so duplicated messages are reported with their uuids, never silently left. A dry run deletes nothing and reports
/// what it would delete. Keys, source ids and Zep uuids only: never content.
/// </summary>
public sealed class RunRepairService(LedgerDbContext db, ZepClient zep)
{
    public async Task<RepairReport?> RepairAsync(Guid runId, bool dryRun, CancellationToken ct)
    {
        if (!await db.Runs.AnyAsync(r => r.Id == runId, ct)) return null;
        var users = (await db.RunUsers.AsNoTracking().Where(u => u.RunId == runId)
                .Select(u => new { u.UserKey, u.ZepUserId }).ToListAsync(ct))
            .Select(u => (u.UserKey, ZepId: UserTarget.ZepIdOf(u.UserKey, u.ZepUserId)))
            .Where(u => u.ZepId is not null)
            .ToDictionary(u => u.UserKey, u => u.ZepId!, StringComparer.Ordinal);
        var sessions = (await db.StagedItems.AsNoTracking()
                .Where(i => i.RunId == runId && i.Kind == StagedItemKind.ConversationMessage)
                .Select(i => new { i.UserKey, i.SessionId }).Distinct().ToListAsync(ct))
            .ToLookup(s => s.UserKey, s => s.SessionId ?? "default", StringComparer.Ordinal);

        var lines = new List<RepairLine>();
        // Zep holds each user under its Zep id (the mem0 id unless the users file or a prefix mapped it).
        foreach (var (user, zepUserId) in users.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            lines.AddRange(await RepairEpisodesAsync(zepUserId, dryRun, ct));
            foreach (var session in sessions[user].Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                lines.AddRange(await ListDuplicatedMessagesAsync(zepUserId, UserPlanner.ThreadIdFor(zepUserId, session), ct));
        }
        return new RepairReport(runId, dryRun, users.Count, lines);
    }

    private async Task<List<RepairLine>> RepairEpisodesAsync(string user, bool dryRun, CancellationToken ct)
    {
        var lines = new List<RepairLine>();
        var episodes = await zep.GetAllUserEpisodesAsync(user, ct); // oldest first
        foreach (var group in episodes.Where(e => ZepReadBack.KeyOf(e.Metadata) is not null).GroupBy(e => ZepReadBack.KeyOf(e.Metadata)!, StringComparer.Ordinal))
        {
            var all = group.ToList();
            if (all.Count < 2) continue;
            var extra = all.Skip(1).Select(e => e.Uuid).ToList();
            if (!dryRun)
                foreach (var uuid in extra)
                    await zep.DeleteEpisodeAsync(uuid, ct); // false: gone already (another repair), which is what was wanted
            lines.Add(new RepairLine(user, RepairLine.Episode, group.Key, SourceIdOf(all[0].Metadata), null, all[0].Uuid, extra,
                dryRun ? RepairLine.WouldDelete : RepairLine.Deleted));
        }
        return lines;
    }

    private async Task<List<RepairLine>> ListDuplicatedMessagesAsync(string user, string threadId, CancellationToken ct)
    {
        var messages = await zep.GetAllMessagesAsync(threadId, ct); // oldest first; empty when the thread does not exist
        return messages.Where(m => ZepReadBack.KeyOf(m.Metadata) is not null)
            .GroupBy(m => ZepReadBack.KeyOf(m.Metadata)!, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => new RepairLine(user, RepairLine.Message, g.Key, SourceIdOf(g.First().Metadata), threadId, g.First().Uuid ?? "",
                g.Skip(1).Select(m => m.Uuid ?? "").ToList(), RepairLine.Listed))
            .ToList();
    }

    private static string? SourceIdOf(System.Text.Json.Nodes.JsonObject? metadata) =>
        metadata?["mem0_id"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var id) ? id : null;
}

/// <summary>What <see cref="RunRepairService"/> found: one line per key held more than once.</summary>
public sealed record RepairReport(Guid RunId, bool DryRun, int UsersChecked, IReadOnlyList<RepairLine> Lines)
{
    public int EpisodesDeleted => Lines.Where(l => l.Action == RepairLine.Deleted).Sum(l => l.DuplicateUuids.Count);
    public int EpisodesToDelete => Lines.Where(l => l.Action == RepairLine.WouldDelete).Sum(l => l.DuplicateUuids.Count);
    public int DuplicatedMessages => Lines.Where(l => l.Kind == RepairLine.Message).Sum(l => l.DuplicateUuids.Count);

    /// <summary>Counts only, for the audit trail (no user ids).</summary>
    public string Summary => DryRun
        ? $"dry run: {EpisodesToDelete} duplicated episode(s) would be deleted, {DuplicatedMessages} duplicated message(s) listed, {UsersChecked} user(s) checked"
        : $"{EpisodesDeleted} duplicated episode(s) deleted, {DuplicatedMessages} duplicated message(s) listed (Zep cannot delete one message), {UsersChecked} user(s) checked";
}

/// <summary>
/// One key Zep holds more than once: the copy kept (the oldest) and the others, deleted (episodes), to be deleted (a dry
/// run), or listed (messages: Zep v3 deletes a whole thread, not one message).
/// </summary>
public sealed record RepairLine(string User, string Kind, string Key, string? SourceId, string? ThreadId, string KeptUuid,
    IReadOnlyList<string> DuplicateUuids, string Action)
{
    public const string Episode = "episode";
    public const string Message = "message";
    public const string Deleted = "deleted";
    public const string WouldDelete = "would_delete";
    public const string Listed = "listed";
}
