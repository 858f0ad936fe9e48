using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Staging;

/// <summary>
/// Stages a run's export, applies the run's user/session filter, then lets the <see cref="RunDispatcher"/> hand its users
/// to the workers (up to the run's cap). A redelivered message after staging only dispatches again.
/// </summary>
public sealed class RunIngestionService(LedgerDbContext db, ExportStagingService staging, RunDispatcher dispatcher, RunStatusRoller roller)
{
    /// <summary>Null when the run is not in this ledger (a message meant for another deployment): nothing to do.</summary>
    public async Task<ExportIngested?> IngestAsync(IngestExport message, Func<MigrateUser, Task> publish, CancellationToken ct)
    {
        var run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == message.RunId, ct);
        if (run is null) return null;
        if (run.Status is not (RunStatus.Created or RunStatus.Ingesting) && run.IngestedAt is not null)
        {
            var again = await dispatcher.DispatchAsync(run.Id, publish, ct);
            return new ExportIngested(run.Id, again, 0, 0);
        }
        if (run.Status is RunStatus.Cancelled) return new ExportIngested(run.Id, 0, 0, 0);

        await db.Runs.Where(r => r.Id == run.Id && r.Status == RunStatus.Created)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Ingesting), ct);
        var result = await staging.StageAsync(run.Id, message.Files, message.AssignUserId, ct);
        await RunFilter.ApplyAsync(db, run, ct);
        await db.Runs.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.IngestedAt, DateTimeOffset.UtcNow), ct);
        // A run paused (or cancelled) while staging keeps that status.
        await db.Runs.Where(r => r.Id == run.Id && (r.Status == RunStatus.Ingesting || r.Status == RunStatus.Created))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Migrating), ct);

        if (message.DryRun) await PlanOnlyAsync(run.Id, ct);
        else await dispatcher.DispatchAsync(run.Id, publish, ct);

        await roller.RollUpAsync(run.Id, ct);
        return new ExportIngested(run.Id, result.Users.Count, result.Items, result.FailedRecords);
    }

    /// <summary>Dry run: convert every user (limits, splitting, keys) without a single Zep call.</summary>
    private async Task PlanOnlyAsync(Guid runId, CancellationToken ct)
    {
        var users = await db.RunUsers.AsNoTracking().Where(u => u.RunId == runId && u.Status == UserStatus.Staged)
            .Select(u => u.UserKey).ToListAsync(ct);
        foreach (var userKey in users)
        {
            var items = await db.StagedItems.AsNoTracking()
                .Where(i => i.RunId == runId && i.UserKey == userKey && i.Status == ItemStatus.Staged && i.Kind != StagedItemKind.Unreadable)
                .ToListAsync(ct);
            _ = UserPlanner.Plan(userKey, items);
        }
        await db.RunUsers.Where(u => u.RunId == runId && u.Status == UserStatus.Staged)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Planned).SetProperty(u => u.UpdatedAt, DateTimeOffset.UtcNow), ct);
    }
}
