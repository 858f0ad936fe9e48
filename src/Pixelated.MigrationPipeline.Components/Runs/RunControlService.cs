using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.Components.Retention;
using Pixelated.MigrationPipeline.Components.Users;
using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// Operators' control of a run (API and CLI): pause, resume, cancel, retry failed users, revalidate without writing.
/// Every change goes through the ledger first, then the bus; the workers read the run's status before each user.
/// </summary>
public sealed class RunControlService(LedgerDbContext db, IPublishEndpoint bus, RunProgress progress, RunHalts halts, ContentRefill refill,
    IOptions<ZepOptions> zepOptions, IOptions<PipelineOptions>? pipelineOptions = null, TimeProvider? clock = null, RunLeaseKeeper? leases = null)
{
    /// <summary>A resumed run is hosted again: its lease is renewed at once (no longer <c>interrupted</c>), and by this process from now on.</summary>
    private void Lease(MigrationRun run)
    {
        run.LeaseExpiresAtMs = RunLease.Until((clock ?? TimeProvider.System).GetUtcNow(), (pipelineOptions?.Value ?? new PipelineOptions()).RunLeaseSeconds);
        leases?.Hold(run.Id);
    }

    /// <summary>Stop dispatching new users; users in flight finish.</summary>
    public Task<ControlResult> PauseAsync(Guid runId, string? reason, CancellationToken ct) => halts.PauseAsync(runId, reason, ct);

    /// <summary>
    /// Continue a paused run, or pick up a run whose processes were interrupted (messages lost with an in-process bus):
    /// an unfinished ingest is staged again (idempotent), users in flight are sent again (the write-ahead ledger makes a
    /// second delivery harmless), migrated users are validated, and waiting users are dispatched.
    /// </summary>
    public async Task<ControlResult> ResumeAsync(Guid runId, CancellationToken ct)
    {
        var run = await db.Runs.SingleOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null) return ControlResult.NotFound(runId);
        if (RunHalts.Finished.Contains(run.Status))
            return ControlResult.Conflict($"run {runId} is {StatusNames.ToWire(run.Status)}; nothing to resume (retry sends failed users again)");

        if (run.IngestedAt is null)
        {
            run.Status = RunStatus.Created;
            run.StatusReason = null;
            Lease(run);
            await db.SaveChangesAsync(ct);
            await bus.Publish(RunLauncher.IngestMessage(run), ct);
            return ControlResult.Done("resumed: the export is staged again (already staged records are kept)");
        }

        run.Status = RunStatus.Migrating;
        run.StatusReason = null;
        Lease(run);
        await db.SaveChangesAsync(ct);
        var users = await db.RunUsers.AsNoTracking().Where(u => u.RunId == runId && UserStatusSets.InFlight.Contains(u.Status))
            .Select(u => new { u.UserKey, u.Status }).ToListAsync(ct);
        foreach (var user in users)
        {
            if (user.Status == UserStatus.Migrated) await bus.Publish(new ValidateUser(runId, user.UserKey), ct);
            else await bus.Publish(new MigrateUser(runId, user.UserKey), ct);
        }
        var dispatched = await progress.AdvanceAsync(runId, m => bus.Publish(m, ct), ct);
        return ControlResult.Done($"resumed: {users.Count} user(s) in flight sent again, {dispatched} dispatched", users.Count + dispatched);
    }

    /// <summary>Users not yet dispatched become <c>Cancelled</c> (reason kept); users in flight finish; the run ends <c>Cancelled</c>.</summary>
    public Task<ControlResult> CancelAsync(Guid runId, string? reason, CancellationToken ct) => halts.CancelAsync(runId, reason, ct);

    /// <summary>Send failed and mismatched users again: their failed items are retried, their findings re-checked.</summary>
    public async Task<ControlResult> RetryAsync(Guid runId, CancellationToken ct)
    {
        var run = await db.Runs.SingleOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null) return ControlResult.NotFound(runId);
        if (run.DryRun) return ControlResult.Conflict($"run {runId} is a dry run; start a real run instead");
        if (run.Status is RunStatus.Created or RunStatus.Ingesting or RunStatus.Cancelled)
            return ControlResult.Conflict($"run {runId} is {StatusNames.ToWire(run.Status)}; retry applies once users have been migrated");

        // A user that could not be mapped (bad users file row, shared Zep id) is not retried: a new run with a corrected
        // users file migrates it.
        var users = await db.RunUsers.Where(u => u.RunId == runId && (u.Status == UserStatus.Failed || u.Status == UserStatus.Mismatched)
                                                 && (u.ZepUserId == null || u.ZepUserId != UserTarget.Unmappable))
            .Select(u => u.UserKey).ToListAsync(ct);
        // A rerun re-reads the source files: the purged payload of the users to send again is put back first, or nothing starts.
        var refilled = await refill.RefillAsync(run, users, ct);
        if (refilled.StillPurged > 0)
            return ControlResult.Conflict(
                $"run {runId}: the content of {refilled.StillPurged} item(s) to retry was purged from the ledger and could not be read again from the run's source files " +
                $"({refilled.FilesUnreadable} file(s) missing or unreadable, or the records changed since); put the files back where the run read them, or start a new run of the export");
        foreach (var chunk in users.Chunk(500))
        {
            await db.StagedItems.Where(i => i.RunId == runId && chunk.Contains(i.UserKey) && i.Status == ItemStatus.Failed && i.Kind != StagedItemKind.Unreadable)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ItemStatus.Staged).SetProperty(i => i.Reason, (string?)null), ct);
            await db.RunUsers.Where(u => u.RunId == runId && chunk.Contains(u.UserKey))
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Staged).SetProperty(u => u.Error, (string?)null)
                    .SetProperty(u => u.UpdatedAt, (clock ?? TimeProvider.System).GetUtcNow()), ct);
        }
        await ReopenMissingAsync(runId, users, ct);
        if (run.Status != RunStatus.Paused) run.Status = RunStatus.Migrating;
        run.FinishedAt = null;
        await db.SaveChangesAsync(ct);
        var dispatched = await progress.AdvanceAsync(runId, m => bus.Publish(m, ct), ct);
        return ControlResult.Done($"retrying {users.Count} user(s); {dispatched} dispatched now", users.Count);
    }

    /// <summary>
    /// Reopens the write units of what validation found missing. Validation does so itself for items it could plan; an item
    /// whose payload was purged had no plan then, so its units are found here, from the refilled items (reopening a unit
    /// validation already reopened changes nothing: only <c>Confirmed</c> units are reopened, to <c>Sent</c>, read back first).
    /// </summary>
    private async Task ReopenMissingAsync(Guid runId, IReadOnlyList<string> users, CancellationToken ct)
    {
        foreach (var chunk in users.Chunk(500))
        {
            var missing = await db.Findings.AsNoTracking()
                .Where(f => f.RunId == runId && chunk.Contains(f.UserKey) && f.Kind == FindingKind.Missing)
                .Select(f => new { f.UserKey, f.ItemKey, f.Field }).ToListAsync(ct);
            foreach (var user in missing.GroupBy(f => f.UserKey, StringComparer.Ordinal))
            {
                var row = await db.RunUsers.AsNoTracking().SingleAsync(u => u.RunId == runId && u.UserKey == user.Key, ct);
                var plan = UserPlanner.Plan(UserTarget.Of(row), await UserLedgerQueries.ItemsToWriteAsync(db, runId, user.Key, ct));
                var keys = user.SelectMany(f => plan.KeysOf(f.ItemKey))
                    .Concat(user.Any(f => f.Field == "user") ? [plan.User.Key] : []).ToHashSet(StringComparer.Ordinal);
                await WriteUnitLedger.ReopenAsync(db, zepOptions.Value.Target, keys, ct);
            }
        }
    }

    /// <summary>Read Zep back for every migrated user of the run (or one user) and record findings; writes nothing to Zep.</summary>
    public async Task<ControlResult> RevalidateAsync(Guid runId, string? userKey, CancellationToken ct)
    {
        var run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null) return ControlResult.NotFound(runId);
        if (run.DryRun) return ControlResult.Conflict($"run {runId} is a dry run; nothing was written to validate");
        var users = await db.RunUsers.AsNoTracking()
            .Where(u => u.RunId == runId && UserStatusSets.Written.Contains(u.Status) && (userKey == null || u.UserKey == userKey))
            .Select(u => u.UserKey).ToListAsync(ct);
        if (userKey is not null && users.Count == 0)
            return ControlResult.NotFound(runId, "no migrated user with that id in this run");
        foreach (var user in users) await bus.Publish(new ValidateUser(runId, user), ct);
        return ControlResult.Done($"revalidating {users.Count} user(s)", users.Count);
    }
}

public enum ControlOutcome
{
    Done,
    NotFound,
    Conflict,
}

/// <summary>What a control action did, in words an operator can read (no content, no user ids).</summary>
public sealed record ControlResult(ControlOutcome Outcome, string Message, int Users = 0)
{
    public static ControlResult Done(string message, int users = 0) => new(ControlOutcome.Done, message, users);
    public static ControlResult Conflict(string message) => new(ControlOutcome.Conflict, message);
    public static ControlResult NotFound(Guid runId, string? detail = null) => new(ControlOutcome.NotFound, detail ?? $"run {runId} not found");
}
