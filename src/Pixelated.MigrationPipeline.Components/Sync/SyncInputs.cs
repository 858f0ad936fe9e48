using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Sync;

/// <summary>
/// What a sync needs to know about one user of a run: the run's choices (full export, propagate deletes), the user's
/// history in earlier runs, and, when there is history, the user's other rows in this run (skipped, failed, deleted).
/// A ledger with no earlier run costs one query.
/// </summary>
public sealed record SyncInputs(ItemHistory History, bool FullExport, bool PropagateDeletes, IReadOnlyList<StagedItem> Others)
{
    public static async Task<SyncInputs> LoadAsync(LedgerDbContext db, Guid runId, string userKey, CancellationToken ct)
    {
        var runs = await db.Runs.AsNoTracking().Where(r => !r.DryRun || r.Id == runId)
            .Select(r => new { r.Id, r.CreatedAt, r.FullExport, r.PropagateDeletes }).ToListAsync(ct);
        var current = runs.SingleOrDefault(r => r.Id == runId);
        if (current is null) return new SyncInputs(ItemHistory.Empty, false, false, []);
        if (runs.Count == 1) return new SyncInputs(ItemHistory.Empty, current.FullExport, current.PropagateDeletes, []);
        var history = await ItemHistory.LoadAsync(db, runId, userKey, runs.Select(r => (r.Id, r.CreatedAt)).ToList(), ct);
        var others = history.IsEmpty ? [] : await OthersAsync(db, runId, userKey, ct);
        return new SyncInputs(history, current.FullExport, current.PropagateDeletes, others);
    }

    /// <summary>The user's memories in this run that are not written: skipped, failed, or recorded as deleted by an earlier attempt.</summary>
    public static Task<List<StagedItem>> OthersAsync(LedgerDbContext db, Guid runId, string userKey, CancellationToken ct) =>
        db.StagedItems.AsNoTracking()
            .Where(i => i.RunId == runId && i.UserKey == userKey && i.Kind == StagedItemKind.Memory
                        && (i.Status == ItemStatus.Skipped || i.Status == ItemStatus.Failed || i.Change == ItemChange.Deleted))
            .ToListAsync(ct);
}
