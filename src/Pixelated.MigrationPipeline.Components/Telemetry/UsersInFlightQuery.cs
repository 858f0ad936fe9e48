using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Telemetry;

/// <summary>Users in flight by status (wire names) in runs neither finished nor paused: what a stalled run is measured against.</summary>
public static class UsersInFlightQuery
{
    public static async Task<IReadOnlyDictionary<string, long>> ReadAsync(LedgerDbContext db, CancellationToken ct)
    {
        var counts = await db.RunUsers.AsNoTracking()
            .Where(u => UserStatusSets.InFlight.Contains(u.Status)
                        && db.Runs.Any(r => r.Id == u.RunId && r.FinishedAt == null && r.Status != RunStatus.Paused && r.Status != RunStatus.Cancelled))
            .GroupBy(u => u.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        // Every in-flight status appears, 0 included, so a series exists (and an alert can compare it) before the first run.
        return UserStatusSets.InFlight.ToDictionary(StatusNames.ToWire, s => (long)(counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0));
    }
}
