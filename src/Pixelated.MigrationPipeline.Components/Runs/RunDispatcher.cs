using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Ledger.Locks;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// Hands a run's waiting users to the workers, never more than the run's cap at once, and only while the run is
/// <c>Migrating</c> (a paused run dispatches nothing; its users in flight finish). Called after staging, whenever a user
/// settles, and on resume/retry.
/// </summary>
/// <remarks>
/// Dispatchers of the same run take turns (<see cref="RunDispatchLock"/>, for the length of a ledger transaction), and so
/// do pause and cancel (<see cref="RunHalts"/>), so that once they return no dispatcher sends another user: each dispatcher
/// reads the run's status, counts the run's users in flight, picks as many waiting users as there are free slots, claims them (<c>Staged</c> →
/// <c>Queued</c>, one conditional UPDATE, so a user that an operator cancelled meanwhile is not sent) and publishes their
/// <see cref="MigrateUser"/>, then commits, after the broker accepted the publishes. Taking turns keeps the cap exact and
/// costs one claim per user: when they raced instead, every dispatcher picked the same next users and tried to claim each
/// (16 claims per user on average with 2 workers, each one waiting on the winner's row lock until its commit). A crash
/// before the commit leaves the users <c>Staged</c>, so they are dispatched again; a crash after the publish and before the
/// commit can still send a user twice, which the per-user lock and the write-ahead ledger make harmless.
/// </remarks>
public sealed class RunDispatcher(LedgerDbContext db, TimeProvider clock)
{
    /// <summary>At most this many users are claimed and published in one transaction.</summary>
    private const int ClaimsPerTransaction = 200;

    /// <summary>Number of users dispatched.</summary>
    public async Task<int> DispatchAsync(Guid runId, Func<MigrateUser, Task> publish, CancellationToken ct)
    {
        var dispatched = 0;
        // Relaxed: a claim lost to a power failure leaves its user Staged (dispatched again), as a crash before the commit does.
        await using var relaxed = await RelaxedCommits.BeginAsync(db, ct);
        // Looked at again after every turn, outside the lock: what settled while a turn was going on is seen here.
        while (await FreeSlotsAsync(runId, ct) > 0)
        {
            await using var transaction = await RunDispatchLock.TryBeginAsync(db, runId, ct);
            // Another dispatcher has the turn: it looks again once it has committed (the loop above), and by then this
            // caller's user has settled (it settled before calling), so its slot is not missed.
            if (transaction is null) return dispatched;
            // Read again under the lock: pause and cancel take it too, so once they return no dispatcher sends another user.
            if (await FreeSlotsAsync(runId, ct) is not { } free) return dispatched;
            if (free <= 0)
            {
                // Look again outside the lock: a user that settled meanwhile may have skipped its turn. Rolled back, not
                // just disposed: the relaxed scope keeps the connection open, and SQLite's write turn ends at a rollback.
                await transaction.RollbackAsync(ct);
                continue;
            }

            var next = await db.RunUsers.AsNoTracking()
                .Where(u => u.RunId == runId && u.Status == UserStatus.Staged)
                .OrderBy(u => u.UserKey).Select(u => u.UserKey).Take(Math.Min(free, ClaimsPerTransaction)).ToListAsync(ct);
            if (next.Count == 0) return dispatched;
            // One conditional UPDATE claims them (a user an operator cancelled meanwhile is no longer Staged and is not
            // claimed); the claimed are the picked users now Queued, since only dispatchers queue users and they take turns.
            var now = clock.GetUtcNow();
            await db.RunUsers.Where(u => u.RunId == runId && next.Contains(u.UserKey) && u.Status == UserStatus.Staged)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Queued).SetProperty(u => u.UpdatedAt, now), ct);
            var claimed = await db.RunUsers.AsNoTracking()
                .Where(u => u.RunId == runId && next.Contains(u.UserKey) && u.Status == UserStatus.Queued)
                .Select(u => u.UserKey).ToListAsync(ct);
            // Published together: each publish waits for the broker's confirmation, and one after another they held the
            // run's lock as long as all of them took.
            await Task.WhenAll(claimed.Select(user => publish(new MigrateUser(runId, user))));
            await transaction.CommitAsync(ct);
            dispatched += claimed.Count;
        }
        return dispatched;
    }

    /// <summary>
    /// The run's free slots (its cap less its users in flight), or null when it is not dispatching (not <c>Migrating</c>, or
    /// a dry run); one statement. Read first without the lock: both are committed facts, read after the caller's own user
    /// settled (or after this dispatcher's last turn), so a slot freed before was taken by another dispatcher, and a slot
    /// freed later is looked for by the call that follows its settling. Then read again under the lock, where it decides.
    /// </summary>
    private async Task<int?> FreeSlotsAsync(Guid runId, CancellationToken ct) =>
        await Slots.For(db)(db, runId, ct) is { Status: RunStatus.Migrating, DryRun: false } run ? Math.Max(run.MaxUsersInFlight, 1) - run.InFlight : null;

    private sealed record RunSlots(RunStatus Status, bool DryRun, int MaxUsersInFlight, int InFlight);

    /// <summary>Compiled once per model: every settled user runs it at least twice (see <see cref="UserLedgerQueries"/>).</summary>
    private static readonly CompiledPerModel<Func<LedgerDbContext, Guid, CancellationToken, Task<RunSlots?>>> Slots = new(() =>
        EF.CompileAsyncQuery((LedgerDbContext db, Guid runId, CancellationToken _) =>
            db.Runs.AsNoTracking().Where(r => r.Id == runId)
                .Select(r => new RunSlots(r.Status, r.DryRun, r.MaxUsersInFlight,
                    db.RunUsers.Count(u => u.RunId == runId && UserStatusSets.InFlight.Contains(u.Status))))
                .SingleOrDefault()));
}
