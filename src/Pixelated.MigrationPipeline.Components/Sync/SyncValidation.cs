using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Sync;

/// <summary>
/// What validation expects of a synced user: the latest version of each memory (the one this run planned), and, besides
/// the plan, the episodes earlier runs wrote that this run does not replace: a memory's superseded versions, and the
/// memories earlier runs migrated that this export does not carry (or deleted in the source and left in Zep).
/// </summary>
public static class SyncValidation
{
    /// <summary>
    /// A sync of a newer export found every item of the user as an earlier run migrated it and sent Zep nothing for it:
    /// there is nothing new to read back. A rerun of the same export files is how an operator asks for the check again, so
    /// it reads back as any run does.
    /// </summary>
    public static bool NothingChanged(RunUser user, IReadOnlyList<StagedItem> settled, bool newerExport) =>
        newerExport && user.ZepRequests == 0 && settled.Count > 0
        && settled.All(i => i.Kind != StagedItemKind.Unreadable && i.Status == ItemStatus.Migrated && i.Change == ItemChange.Unchanged);

    /// <summary>Whether the run syncs other export files than the sync before it (a newer export of its source).</summary>
    public static async Task<bool> IsNewerExportAsync(LedgerDbContext db, Guid runId, CancellationToken ct)
    {
        var run = await db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => new { r.PreviousRunId, r.SourceFiles }).SingleOrDefaultAsync(ct);
        if (run?.PreviousRunId is not { } previous) return false;
        var before = await db.Runs.AsNoTracking().Where(r => r.Id == previous).Select(r => r.SourceFiles).SingleOrDefaultAsync(ct);
        return before is not null && before != run.SourceFiles;
    }

    /// <summary>The versions this run wrote, for the planner (message order does not change a message's key, so generations are not needed).</summary>
    public static SyncContext ContextOf(IReadOnlyList<StagedItem> written) =>
        new(written.Where(i => i.Version > 0).GroupBy(i => i.ItemKey, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => new ItemVersion(g.First().Version, null), StringComparer.Ordinal),
            new Dictionary<string, int>());

    /// <summary>
    /// Episodes that carry a key this run's plan does not know but are expected: an older version of a memory this run
    /// wrote, any episode of a memory this run found deleted in the source and left in Zep (<paramref name="others"/>), and any
    /// of a memory an earlier run migrated that this run neither writes nor deleted from Zep.
    /// </summary>
    public static Func<ZepEpisode, bool> ExpectedOthers(IReadOnlyList<StagedItem> written, IReadOnlyList<StagedItem> settled, IReadOnlyList<StagedItem> others,
        ItemHistory history)
    {
        var left = others.Where(i => i.Change == ItemChange.Deleted && i.Status == ItemStatus.Skipped).Select(i => i.ItemKey).ToHashSet(StringComparer.Ordinal);
        var versions = written.Where(i => i.Kind == StagedItemKind.Memory).GroupBy(i => i.ItemKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Version, StringComparer.Ordinal);
        var removed = settled.Where(i => i.Change == ItemChange.Deleted && i.Status == ItemStatus.Migrated).Select(i => i.ItemKey)
            .ToHashSet(StringComparer.Ordinal);
        return episode =>
        {
            if (EpisodeMetadata.Mem0Id(episode.Metadata) is not { } id) return false;
            var itemKey = "memory:" + id;
            if (versions.TryGetValue(itemKey, out var current)) return VersionOf(episode.Metadata) < current;
            if (removed.Contains(itemKey)) return false;
            if (left.Contains(itemKey)) return true;
            return history.Of(itemKey) is { Deleted: not DeletedState.RemovedFromZep };
        };
    }

    private static int VersionOf(JsonObject? metadata) => EpisodeMetadata.Number(metadata, IdempotencyKey.VersionMetadataKey) ?? 0;
}
