using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Sync;

/// <summary>
/// Memories deleted in the source: with <c>--propagate-deletes</c> every episode Zep holds for them (each version, each
/// part: the episodes whose <c>mem0_id</c> is the memory's) is deleted; otherwise they stay, and are counted. Either way
/// each gets a row of this run (<see cref="ItemChange.Deleted"/>): migrated when its episodes were deleted, skipped when left.
/// </summary>
public static class DeletedMemories
{
    /// <summary>Deletes the episodes of <paramref name="deleted"/> from Zep (one listing, one DELETE per episode); returns how many per item.</summary>
    public static async Task<IReadOnlyDictionary<string, int>> RemoveFromZepAsync(ZepClient zep, string zepUserId, IReadOnlyList<DeletedItem> deleted,
        CancellationToken ct)
    {
        var wanted = deleted.ToDictionary(d => SourceIdOf(d.Past.ItemKey), d => d.Past.ItemKey, StringComparer.Ordinal);
        var removed = deleted.ToDictionary(d => d.Past.ItemKey, _ => 0, StringComparer.Ordinal);
        foreach (var episode in await zep.GetAllUserEpisodesAsync(zepUserId, ct))
        {
            if (EpisodeMetadata.Mem0Id(episode.Metadata) is not { } id || !wanted.TryGetValue(id, out var itemKey)) continue;
            await zep.DeleteEpisodeAsync(episode.Uuid, ct); // false: already gone (a retry), which is what was asked
            removed[itemKey]++;
        }
        return removed;
    }

    /// <summary>Records each deleted memory in this run (the row the export gave it, or a new one when the full export lacks it), and audits the deletions.</summary>
    public static void Record(LedgerDbContext db, Guid runId, string userKey, IReadOnlyList<DeletedItem> deleted, IReadOnlyDictionary<string, int>? removed,
        DateTimeOffset now)
    {
        foreach (var item in deleted)
        {
            var row = item.Row is null ? null : db.StagedItems.Local.FirstOrDefault(i => i.Id == item.Row.Id) ?? db.StagedItems.Attach(item.Row).Entity;
            if (row is null)
            {
                row = new StagedItem
                {
                    RunId = runId, UserKey = userKey, ItemKey = item.Past.ItemKey, Kind = StagedItemKind.Memory, SourceFile = "",
                    RecordIndex = -1, ContentHash = item.Past.LatestHash ?? "",
                };
                db.StagedItems.Add(row);
            }
            var where = item.Row is null ? "absent from a full export" : $"marked deleted in {item.Row.SourceFile} record #{item.Row.RecordIndex}";
            row.Change = ItemChange.Deleted;
            row.Version = item.Past.LatestVersion;
            if (removed is not null && removed.TryGetValue(item.Past.ItemKey, out var count))
            {
                row.Status = ItemStatus.Migrated;
                row.Reason = $"deleted_in_source: {where}; {count} episode(s) deleted in Zep";
            }
            else
            {
                row.Status = ItemStatus.Skipped;
                row.Reason = $"deleted_in_source: {where}; its episodes are left in Zep (--propagate-deletes deletes them)";
            }
        }
        if (removed is { Count: > 0 })
            db.Audit.Add(new AuditEntry
            {
                At = now, Actor = "pipeline", Role = "system", Action = "sync.delete-episodes", RunId = runId, Outcome = 200,
                Detail = $"{removed.Values.Sum()} episode(s) of {removed.Count} memory(ies) deleted in the source, deleted in Zep",
            });
    }

    private static string SourceIdOf(string itemKey) => itemKey[(itemKey.IndexOf(':') + 1)..];
}
