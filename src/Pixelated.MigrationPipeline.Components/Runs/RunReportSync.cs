using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// A run as one sync of its mem0 source: the source, the sync before it, the choices it ran with, the lag of the source,
/// how many memories were new / changed / unchanged / deleted in the source and messages new / unchanged (from the staged
/// items' <see cref="StagedItem.Change"/>), and the items whose episodes it deleted in Zep (item keys only).
/// </summary>
/// <param name="Source">The source's name; null for runs recorded before runs had one.</param>
/// <param name="PreviousRunId">The finished sync of the same source this run followed; null for the first.</param>
/// <param name="Lag">Where the source stands now: its last finished sync and the time since.</param>
/// <param name="DeletedInZep">Memories deleted in the source whose episodes this run deleted in Zep (<c>--propagate-deletes</c>), sorted, at most <see cref="RunReportQuery.MaxLines"/>.</param>
public sealed record SyncFigures(string? Source, Guid? PreviousRunId, bool FullExport, bool PropagateDeletes, SourceLag? Lag,
    MemoryChanges Memories, MessageChanges Messages, IReadOnlyList<DeletedItem> DeletedInZep)
{
    public static readonly SyncFigures None = new(null, null, false, false, null, new MemoryChanges(0, 0, 0, 0), new MessageChanges(0, 0), []);
}

/// <summary>A run's memories by how they compare with what earlier runs migrated.</summary>
public sealed record MemoryChanges(int New, int Changed, int Unchanged, int Deleted);

/// <summary>A run's conversation messages: new ones are appended to their threads, the others were written before.</summary>
public sealed record MessageChanges(int New, int Unchanged);

/// <summary>An item whose episodes were deleted in Zep because it was deleted in the source: its user and key, never its content.</summary>
public sealed record DeletedItem(string User, string ItemKey);

/// <summary>
/// A source's chain of syncs as an operator watches it before switching traffic: how many finished syncs it has, the last
/// one, when it finished, and the lag (seconds since then: how far Zep may be behind the exports migrated so far).
/// <paramref name="LastSyncRunId"/>, <paramref name="LastSyncFinishedAt"/> and <paramref name="LagSeconds"/> are null
/// while no sync of the source has finished.
/// </summary>
public sealed record SourceLag(string Source, int Syncs, Guid? LastSyncRunId, DateTimeOffset? LastSyncFinishedAt, double? LagSeconds);

/// <summary>Reads <see cref="SyncFigures"/> and <see cref="SourceLag"/> from the ledger.</summary>
public static class RunReportSync
{
    /// <summary>
    /// A finished sync: a run (not a dry run) that completed, with or without errors; the run a new run of the same source
    /// follows (<see cref="RunLauncher"/>) is the last of these.
    /// </summary>
    public static bool IsFinishedSync(MigrationRun run) =>
        !run.DryRun && run.FinishedAt is not null && run.Status is RunStatus.Completed or RunStatus.CompletedWithErrors;

    /// <summary>The lag of every source named in <paramref name="runs"/> (all the ledger's runs, or at least all runs of those sources).</summary>
    public static IReadOnlyList<SourceLag> LagsOf(IEnumerable<MigrationRun> runs, DateTimeOffset now) =>
        runs.Where(r => r.SourceName is not null).GroupBy(r => r.SourceName!, StringComparer.Ordinal)
            .Select(g => LagOf(g.Key, g, now)).OrderBy(l => l.Source, StringComparer.Ordinal).ToList();

    private static SourceLag LagOf(string source, IEnumerable<MigrationRun> runs, DateTimeOffset now)
    {
        var syncs = runs.Where(IsFinishedSync).OrderByDescending(r => r.FinishedAt).ToList();
        if (syncs.Count == 0) return new SourceLag(source, 0, null, null, null);
        var last = syncs[0];
        return new SourceLag(source, syncs.Count, last.Id, last.FinishedAt, Math.Round(Math.Max((now - last.FinishedAt!.Value).TotalSeconds, 0), 1));
    }

    public static async Task<SyncFigures> OfAsync(LedgerDbContext db, MigrationRun run, DateTimeOffset now, CancellationToken ct)
    {
        var counts = await db.StagedItems.AsNoTracking().Where(i => i.RunId == run.Id && i.Change != ItemChange.None)
            .GroupBy(i => new { i.Kind, i.Change }).Select(g => new { g.Key.Kind, g.Key.Change, Count = g.Count() })
            .ToListAsync(ct);
        int Count(StagedItemKind kind, ItemChange change) => counts.Where(c => c.Kind == kind && c.Change == change).Sum(c => c.Count);
        var deleted = await db.StagedItems.AsNoTracking()
            .Where(i => i.RunId == run.Id && i.Change == ItemChange.Deleted && i.Status == ItemStatus.Migrated)
            .OrderBy(i => i.UserKey).ThenBy(i => i.ItemKey).Take(RunReportQuery.MaxLines)
            .Select(i => new DeletedItem(i.UserKey, i.ItemKey)).ToListAsync(ct);
        SourceLag? lag = null;
        if (run.SourceName is { } source)
        {
            // SQLite cannot order by DateTimeOffset in SQL: the source's finished runs are few, ordered here.
            var runs = await db.Runs.AsNoTracking().Where(r => r.SourceName == source && !r.DryRun && r.FinishedAt != null).ToListAsync(ct);
            lag = LagOf(source, runs, now);
        }
        return new SyncFigures(run.SourceName, run.PreviousRunId, run.FullExport, run.PropagateDeletes, lag,
            new MemoryChanges(Count(StagedItemKind.Memory, ItemChange.New), Count(StagedItemKind.Memory, ItemChange.Changed),
                Count(StagedItemKind.Memory, ItemChange.Unchanged), Count(StagedItemKind.Memory, ItemChange.Deleted)),
            new MessageChanges(Count(StagedItemKind.ConversationMessage, ItemChange.New), Count(StagedItemKind.ConversationMessage, ItemChange.Unchanged)),
            deleted);
    }
}
