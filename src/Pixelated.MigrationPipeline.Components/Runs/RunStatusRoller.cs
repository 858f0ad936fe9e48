using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// Rolls a run's status up from its users and items: <c>Completed</c> only when every user is verified and no item failed;
/// otherwise <c>CompletedWithErrors</c>. A paused run with users still waiting stays paused; a cancelled run stays cancelled.
/// </summary>
public sealed class RunStatusRoller(LedgerDbContext db, TimeProvider clock)
{
    public async Task<RunStatus> RollUpAsync(Guid runId, CancellationToken ct)
    {
        var run = await Run.For(db)(db, runId, ct);
        if (run is null || run.Status is RunStatus.Created or RunStatus.Ingesting) return run?.Status ?? RunStatus.Failed;

        if (run.Status == RunStatus.Cancelled)
        {
            // Cancelled stays cancelled; it is finished once the users that were in flight have settled.
            if (run.FinishedAt is null && !await db.RunUsers.AnyAsync(u => u.RunId == runId && UserStatusSets.InFlight.Contains(u.Status), ct))
            {
                run.FinishedAt = clock.GetUtcNow();
                await db.SaveChangesAsync(ct);
            }
            return run.Status;
        }

        var open = await AnyUserOpen.For(db)(db, runId, ct);
        if (open) return run.Status;

        var clean = !await db.RunUsers.AnyAsync(u => u.RunId == runId && u.Status != UserStatus.Verified && u.Status != UserStatus.Planned && u.Status != UserStatus.Skipped, ct)
                    && !await db.StagedItems.AnyAsync(i => i.RunId == runId && i.Status == ItemStatus.Failed, ct);
        var status = run.DryRun
            ? RunStatus.DryRunCompleted
            : clean ? RunStatus.Completed : RunStatus.CompletedWithErrors;
        if (run.Status != status)
        {
            run.Status = status;
            run.FinishedAt ??= clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
        }
        return status;
    }

    // Compiled once per model: every settled user rolls its run up (see UserLedgerQueries).
    private static readonly CompiledPerModel<Func<LedgerDbContext, Guid, CancellationToken, Task<MigrationRun?>>> Run = new(() =>
        EF.CompileAsyncQuery((LedgerDbContext db, Guid runId, CancellationToken _) => db.Runs.SingleOrDefault(r => r.Id == runId)));

    private static readonly CompiledPerModel<Func<LedgerDbContext, Guid, CancellationToken, Task<bool>>> AnyUserOpen = new(() =>
        EF.CompileAsyncQuery((LedgerDbContext db, Guid runId, CancellationToken _) =>
            db.RunUsers.Any(u => u.RunId == runId && UserStatusSets.Open.Contains(u.Status))));
}
