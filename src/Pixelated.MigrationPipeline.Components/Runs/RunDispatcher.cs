using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// Hands a run's waiting users to the workers, never more than the run's cap at once, and only while the run is
/// <c>Migrating</c> (a paused run dispatches nothing; its users in flight finish). Called after staging, whenever a user
/// settles, and on resume/retry.
/// </summary>
/// <remarks>
/// Each user is claimed (<c>Staged</c> → <c>Queued</c>, a conditional UPDATE that only one dispatcher can win) and its
/// <see cref="MigrateUser"/> published inside one transaction, committed after the broker accepted the publish: two
/// dispatchers racing for the same users never both send one (the loser's UPDATE waits for the winner's commit and then
/// matches nothing), and a crash before the commit leaves the user <c>Staged</c>, so it is dispatched again. A crash after
/// the publish and before the commit can still send a user twice, which the per-user lock and the write-ahead ledger make
/// harmless.
/// </remarks>
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
        var dispatched = 0;
        foreach (var chunk in next.Chunk(200))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var claimed = new List<string>(chunk.Length);
            var now = DateTimeOffset.UtcNow;
            foreach (var user in chunk)
            {
                var won = await db.RunUsers.Where(u => u.RunId == runId && u.UserKey == user && u.Status == UserStatus.Staged)
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Queued).SetProperty(u => u.UpdatedAt, now), ct);
                if (won == 1) claimed.Add(user);
            }
            foreach (var user in claimed) await publish(new MigrateUser(runId, user));
            await transaction.CommitAsync(ct);
            dispatched += claimed.Count;
        }
        return dispatched;
    }
}
