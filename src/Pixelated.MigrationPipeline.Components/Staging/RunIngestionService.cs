using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Staging;

/// <summary>
/// Stages a run's export and queues its users. A user is marked queued only after its <see cref="MigrateUser"/>
/// was published (confirmed by the broker), so a crash in between leaves it <c>Staged</c> and a redelivery queues it again.
/// </summary>
public sealed class RunIngestionService(LedgerDbContext db, ExportStagingService staging, RunStatusRoller roller)
{
    /// <summary>Null when the run is not in this ledger (a message meant for another deployment): nothing to do.</summary>
    public async Task<ExportIngested?> IngestAsync(IngestExport message, Func<MigrateUser, Task> publish, CancellationToken ct)
    {
        var run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == message.RunId, ct);
        if (run is null) return null;
        if (run.Status is not (RunStatus.Created or RunStatus.Ingesting))
        {
            // Redelivered after staging finished: queue whoever is still only staged.
            var pending = await db.RunUsers.Where(u => u.RunId == run.Id && u.Status == UserStatus.Staged).Select(u => u.UserKey).ToListAsync(ct);
            await QueueAsync(run.Id, pending, publish, ct);
            return new ExportIngested(run.Id, pending.Count, 0, 0);
        }

        await SetStatusAsync(run.Id, RunStatus.Ingesting, ct);
        var result = await staging.StageAsync(run.Id, message.Files, message.AssignUserId, ct);
        await db.Runs.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, RunStatus.Migrating)
            .SetProperty(r => r.IngestedAt, DateTimeOffset.UtcNow), ct);

        if (message.DryRun) await PlanOnlyAsync(run.Id, result.Users, ct);
        else await QueueAsync(run.Id, result.Users, publish, ct);

        await roller.RollUpAsync(run.Id, ct);
        return new ExportIngested(run.Id, result.Users.Count, result.Items, result.FailedRecords);
    }

    private Task SetStatusAsync(Guid runId, RunStatus status, CancellationToken ct) =>
        db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, status), ct);

    private async Task QueueAsync(Guid runId, IReadOnlyList<string> users, Func<MigrateUser, Task> publish, CancellationToken ct)
    {
        foreach (var chunk in users.Chunk(200))
        {
            foreach (var user in chunk) await publish(new MigrateUser(runId, user));
            await db.RunUsers.Where(u => u.RunId == runId && chunk.Contains(u.UserKey) && u.Status == UserStatus.Staged)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Queued).SetProperty(u => u.UpdatedAt, DateTimeOffset.UtcNow), ct);
        }
    }

    /// <summary>Dry run: convert every user (limits, splitting, keys) without a single Zep call.</summary>
    private async Task PlanOnlyAsync(Guid runId, IReadOnlyList<string> users, CancellationToken ct)
    {
        foreach (var userKey in users)
        {
            var items = await db.StagedItems.AsNoTracking()
                .Where(i => i.RunId == runId && i.UserKey == userKey && i.Status == ItemStatus.Staged && i.Kind != StagedItemKind.Unreadable)
                .ToListAsync(ct);
            _ = UserPlanner.Plan(userKey, items);
        }
        await db.RunUsers.Where(u => u.RunId == runId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Planned).SetProperty(u => u.UpdatedAt, DateTimeOffset.UtcNow), ct);
    }
}
