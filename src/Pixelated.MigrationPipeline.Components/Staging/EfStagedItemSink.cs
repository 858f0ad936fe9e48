using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Staging;

/// <summary>Batched EF Core inserts (the SQLite ledger of the one-process mode), de-duplicated in memory for the run.</summary>
public sealed class EfStagedItemSink(LedgerDbContext db) : IStagedItemSink
{
    private readonly HashSet<(string UserKey, string ItemKey)> _seen = [];

    public async Task<int> WriteAsync(IReadOnlyList<StagedItem> batch, CancellationToken ct)
    {
        var fresh = batch.Where(i => _seen.Add(StagedItemFactory.IdentityOf(i))).ToList();
        db.StagedItems.AddRange(fresh);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return fresh.Count;
    }
}
