using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger;

namespace Pixelated.MigrationPipeline.Components.Telemetry;

/// <summary>The ledger counts <see cref="PipelineMetrics.ItemsSettled"/> compares: one grouped count by status.</summary>
public static class ItemOutcomeQueries
{
    public static async Task<ItemOutcomeCounts> OfUserAsync(LedgerDbContext db, Guid runId, string userKey, CancellationToken ct)
    {
        var counts = await db.StagedItems.AsNoTracking().Where(i => i.RunId == runId && i.UserKey == userKey)
            .GroupBy(i => i.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return ItemOutcomeCounts.Of(counts.Select(c => (c.Key, c.Count)));
    }

    public static async Task<ItemOutcomeCounts> OfRunAsync(LedgerDbContext db, Guid runId, CancellationToken ct)
    {
        var counts = await db.StagedItems.AsNoTracking().Where(i => i.RunId == runId)
            .GroupBy(i => i.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return ItemOutcomeCounts.Of(counts.Select(c => (c.Key, c.Count)));
    }
}
