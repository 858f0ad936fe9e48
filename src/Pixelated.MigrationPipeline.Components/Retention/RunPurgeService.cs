using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Ledger.Locks;

namespace Pixelated.MigrationPipeline.Components.Retention;

/// <summary>What a purge did: counts only.</summary>
public sealed record PurgeReport(Guid RunId, int ItemsPurged, int Users, string Summary);

/// <summary>The outcome of <see cref="RunPurgeService.PurgeAsync"/>: a report when done, else why not.</summary>
public sealed record PurgeResult(ControlOutcome Outcome, string Message, PurgeReport? Report = null);

/// <summary>
/// <c>purge --run ID</c> / <c>POST /api/v1/migrations/{id}/purge</c>: removes the payload every item of a finished run still
/// holds (whatever its status: verified users' items, failed, skipped and mismatched ones alike). A run still in flight,
/// or paused, is refused: its workers (and a resume) need the content.
/// </summary>
public sealed class RunPurgeService(LedgerDbContext db)
{
    public async Task<PurgeResult> PurgeAsync(Guid runId, CancellationToken ct)
    {
        // Under the run's dispatch lock: no dispatcher hands out a user of this run meanwhile.
        await using var transaction = await RunDispatchLock.BeginAsync(db, runId, ct);
        var run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null) return new PurgeResult(ControlOutcome.NotFound, $"run {runId} not found");
        if (!RunHalts.Finished.Contains(run.Status))
            return new PurgeResult(ControlOutcome.Conflict,
                $"run {runId} is {StatusNames.ToWire(run.Status)}; its content is needed until it ends (purge a finished run)");
        var inFlight = await db.RunUsers.CountAsync(u => u.RunId == runId && UserStatusSets.InFlight.Contains(u.Status), ct);
        if (inFlight > 0)
            return new PurgeResult(ControlOutcome.Conflict, $"run {runId} still has {inFlight} user(s) in flight; purge once they have finished");

        var holding = db.StagedItems.Where(i => i.RunId == runId
            && (i.Content != null || i.Name != null || i.CategoriesJson != null || i.MetadataJson != null));
        var users = await holding.Select(i => i.UserKey).Distinct().CountAsync(ct);
        var items = await StagedContent.PurgeAsync(db.StagedItems.Where(i => i.RunId == runId), ct);
        await StagedContent.PurgeProfilesAsync(db.RunUsers.Where(u => u.RunId == runId), ct);
        await transaction.CommitAsync(ct);
        var summary = $"purged the content of {items} item(s) of {users} user(s); keys and hashes kept";
        return new PurgeResult(ControlOutcome.Done, summary, new PurgeReport(runId, items, users, summary));
    }
}
