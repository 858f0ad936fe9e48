using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Components.Staging;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Mem0;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Components.Sync;

/// <summary>
/// Reads the sides of an <see cref="ExportDiff"/>: an export (read as a run would stage it) or what a run left in Zep (from
/// the ledger's staged items). Only reads: nothing is written to the ledger or to Zep.
/// </summary>
public static class ExportDiffSides
{
    /// <summary>
    /// The items of the export files and folders <paramref name="paths"/>, keyed and hashed as staging keys and hashes them
    /// (<see cref="StagedItemFactory"/>): the same item keys and content hashes a run of this export stages.
    /// </summary>
    public static async Task<ExportDiffSide> FromExportAsync(IReadOnlyList<string> paths, string? assignUserId, CancellationToken ct)
    {
        var side = new ExportDiffSide();
        var reader = new Mem0ExportReader(new Mem0ReaderOptions { FallbackUserId = assignUserId });
        foreach (var file in ExportFiles.Expand(paths))
        {
            await foreach (var outcome in reader.ReadAsync(file, ct))
            {
                if (outcome is RecordFailed)
                {
                    side.CountProblem();
                    continue;
                }
                if (outcome is not ItemRead { Item: var item }) continue;
                var row = StagedItemFactory.FromItem(Guid.Empty, item, includeInactive: false);
                if (row.Kind == StagedItemKind.Unreadable) side.CountProblem(); // an item Zep would refuse (user id too long)
                else side.TryAdd(row.UserKey, row.ItemKey, new ExportDiffEntry(row.Kind, row.ContentHash, item.InactiveReason is null));
            }
        }
        return side;
    }

    /// <summary>
    /// What Zep holds after run <paramref name="runId"/>: its migrated items, and those of the syncs before it (its chain of
    /// <see cref="MigrationRun.PreviousRunId"/>) that it did not hold, so a sync of a partial export does not hide what
    /// earlier syncs migrated. The newest run that says something of an item decides: migrated or unchanged is live (with
    /// that run's content hash); deleted in the source is gone. Null when the ledger has no run <paramref name="runId"/>.
    /// </summary>
    public static async Task<ExportDiffRunSide?> FromRunAsync(LedgerDbContext db, Guid runId, CancellationToken ct)
    {
        var head = await db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => new { r.DryRun, r.SourceName }).SingleOrDefaultAsync(ct);
        if (head is null) return null;
        var side = new ExportDiffSide();
        var chain = new List<Guid>();
        Guid? next = runId;
        while (next is { } id && !chain.Contains(id))
        {
            chain.Add(id);
            var rows = db.StagedItems.AsNoTracking()
                .Where(i => i.RunId == id && i.Kind != StagedItemKind.Unreadable)
                .Select(i => new { i.UserKey, i.ItemKey, i.Kind, i.ContentHash, i.Status, i.Change })
                .AsAsyncEnumerable();
            await foreach (var row in rows.WithCancellation(ct))
            {
                var deleted = row.Change == ItemChange.Deleted;
                var live = !deleted && (row.Status == ItemStatus.Migrated || row.Change == ItemChange.Unchanged);
                // A row skipped or failed for another reason says nothing of what Zep holds: an older run's row still counts.
                if (live || deleted) side.TryAdd(row.UserKey, row.ItemKey, new ExportDiffEntry(row.Kind, row.ContentHash, live));
            }
            next = await db.Runs.AsNoTracking().Where(r => r.Id == id).Select(r => r.PreviousRunId).SingleOrDefaultAsync(ct);
        }
        return new ExportDiffRunSide(side, chain, head.DryRun, head.SourceName);
    }
}

/// <summary>What a run left in Zep (<see cref="ExportDiffSides.FromRunAsync"/>).</summary>
/// <param name="Chain">The runs read, newest first: the run asked for, then the syncs before it.</param>
/// <param name="DryRun">The run was a dry run: it wrote nothing to Zep.</param>
public sealed record ExportDiffRunSide(ExportDiffSide Side, IReadOnlyList<Guid> Chain, bool DryRun, string? SourceName);
