using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Ledger.Locks;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// Pause and cancel: changes to the ledger alone (the workers read the run's status before each user), so they need no bus.
/// The operator's reason (API or CLI) is stored as <see cref="OperatorText.Clean"/> leaves it.
/// </summary>
public sealed class RunHalts(LedgerDbContext db, RunStatusRoller roller, TimeProvider clock)
{
    public static readonly RunStatus[] Finished =
        [RunStatus.Completed, RunStatus.CompletedWithErrors, RunStatus.Failed, RunStatus.Cancelled, RunStatus.DryRunCompleted];

    /// <summary>Stop dispatching new users; users in flight finish.</summary>
    public async Task<ControlResult> PauseAsync(Guid runId, string? reason, CancellationToken ct)
    {
        // With the run's dispatch lock: a dispatcher at work finishes first (its users are then in flight), later ones see
        // the pause, so no user is dispatched after this returns.
        await using var transaction = await RunDispatchLock.BeginAsync(db, runId, ct);
        var run = await db.Runs.SingleOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null) return ControlResult.NotFound(runId);
        if (run.Status is not (RunStatus.Created or RunStatus.Ingesting or RunStatus.Migrating))
            return ControlResult.Conflict($"run {runId} is {StatusNames.ToWire(run.Status)}; only a running run can be paused");
        run.Status = RunStatus.Paused;
        run.StatusReason = OperatorText.Clean(reason);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return ControlResult.Done("paused: no new users are dispatched; users in flight finish");
    }

    /// <summary>Users not yet dispatched become <c>Cancelled</c> (reason kept); users in flight finish; the run ends <c>Cancelled</c>.</summary>
    public async Task<ControlResult> CancelAsync(Guid runId, string? reason, CancellationToken ct)
    {
        // With the run's dispatch lock, as pause: no dispatcher claims a waiting user between the two updates.
        await using var transaction = await RunDispatchLock.BeginAsync(db, runId, ct);
        var run = await db.Runs.SingleOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null) return ControlResult.NotFound(runId);
        if (Finished.Contains(run.Status)) return ControlResult.Conflict($"run {runId} is already {StatusNames.ToWire(run.Status)}");
        run.Status = RunStatus.Cancelled;
        run.StatusReason = OperatorText.Clean(reason) ?? "cancelled by an operator";
        await db.SaveChangesAsync(ct);
        var cancelled = await db.RunUsers.Where(u => u.RunId == runId && u.Status == UserStatus.Staged)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Cancelled)
                .SetProperty(u => u.Error, "run cancelled before this user was migrated")
                .SetProperty(u => u.UpdatedAt, clock.GetUtcNow()), ct);
        await transaction.CommitAsync(ct);
        await roller.RollUpAsync(runId, ct);
        return ControlResult.Done($"cancelled: {cancelled} waiting user(s) will not be migrated; users in flight finish", cancelled);
    }
}
