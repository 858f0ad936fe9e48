using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// Hands a run's waiting users to the workers, never more than the run's cap at once, and only while the run is
/// <c>Migrating</c> (a paused run dispatches nothing; its users in flight finish). Called after staging, whenever a user
/// settles, and on resume/retry. A user is marked <c>Queued</c> only after its <see cref="MigrateUser"/> was published, so a
/// crash in between leaves it <c>Staged</c> and it is dispatched again; two dispatchers racing may send one user twice,
/// which the per-user lock and the write-ahead ledger make harmless.
/// </summary>
public sealed class RunDispatcher(LedgerDbContext db)
{
    /// <summary>Number of users dispatched.</summary>
    public async Task<int> DispatchAsync(Guid runId, Func<MigrateUser, Task> publish, CancellationToken ct)
    {
        var run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct);
        if (run is not { Status: RunStatus.Migrating, DryRun: false }) return 0;

        var inFlight = await db.RunUsers.CountAsync(u => u.RunId == runId && UserStatusSets.InFlight.Contains(u.Status), ct);
        var free = Math.Max(run.MaxUsersInFlight, 1) - inFlight;
        if (free <= 0) return 0;

        var next = await db.RunUsers.AsNoTracking()
            .Where(u => u.RunId == runId && u.Status == UserStatus.Staged)
            .OrderBy(u => u.UserKey).Select(u => u.UserKey).Take(free).ToListAsync(ct);
        foreach (var chunk in next.Chunk(200))
        {
            foreach (var user in chunk) await publish(new MigrateUser(runId, user));
            await db.RunUsers.Where(u => u.RunId == runId && chunk.Contains(u.UserKey) && u.Status == UserStatus.Staged)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Queued).SetProperty(u => u.UpdatedAt, DateTimeOffset.UtcNow), ct);
        }
        return next.Count;
    }
}
