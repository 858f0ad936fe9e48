using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Retention;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Components.Sync;
using Pixelated.MigrationPipeline.Components.Telemetry;
using Pixelated.MigrationPipeline.Components.Users;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Ledger.Locks;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>Migrates one user of a run: loads the staged items, plans the Zep writes, writes them idempotently, records outcomes.</summary>
/// <remarks>
/// Users and threads are always created directly. In batch mode (<see cref="ZepWriteModeSelector"/>) the episodes and
/// messages then go through the Batch API: a user with at most 350 items still to send shares a batch with the other users
/// migrating in this process at the same time (<see cref="SharedBatchPool"/>), a bigger one gets batches of its own
/// (<see cref="BatchZepWriter"/>); the sequential pass that follows writes nothing when the batch settled every unit, and
/// otherwise writes what it left (read back first when <c>Sent</c>). Units an earlier attempt left <c>Sent</c> into a
/// shared batch are resolved from that batch first (<see cref="SharedBatchRecovery"/>).
/// </remarks>
public sealed class UserMigrationService(
    LedgerDbContext db, ZepClient zep, ZepBatches batches, IOptions<ZepOptions> zepOptions, IUserLock locks, ZepWriteModeSelector writeMode,
    SharedBatchPool sharedBatches, RunZepRequests zepRequests, TimeProvider clock, PipelineMetrics metrics)
{
    /// <summary>Returns false when there is nothing to do (user unknown, already past migration, or its run cancelled).</summary>
    public async Task<bool> MigrateAsync(Guid runId, string userKey, CancellationToken ct)
    {
        var user = await UserToMigrateAsync(runId, userKey, ct);
        if (user is null) return false;
        await using var held = await locks.TryAcquireAsync(zepOptions.Value.Target, userKey, ct) ?? throw new UserBusyException();
        // Not saved on its own: the user's status rides on the ledger's first save, the write-ahead of its first units (or
        // the outcome, when there is nothing to send), so no unit is ever Sent while the user still reads Queued (a run
        // cancelled meanwhile cancels only users that sent nothing), and the status costs no transaction of its own.
        user.Status = UserStatus.Migrating;
        user.UpdatedAt = clock.GetUtcNow();

        // Untracked: the written items are marked migrated by one set-based UPDATE at the end, and only the few that
        // failed are attached then; tracking all of them cost every save of this context a scan of their values.
        var items = await UserLedgerQueries.ItemsToWriteAsync(db, runId, userKey, ct);
        if (items.Any(StagedContent.IsPurged)) return await RefusePurgedAsync(runId, userKey, user, ct); // settles no item
        // The user's items by outcome before and after: what this migration settled is the difference (metrics only).
        var before = await ItemOutcomeQueries.OfUserAsync(db, runId, userKey, ct);
        var sync = await SyncInputs.LoadAsync(db, runId, userKey, ct);
        var written = await WriteAsync(runId, userKey, user, items, sync, ct);
        await RecordOutcomeAsync(runId, userKey, user, items, written, ct);
        metrics.ItemsSettled(before, await ItemOutcomeQueries.OfUserAsync(db, runId, userKey, ct));
        return true;
    }

    /// <summary>
    /// The user's row when it is to be migrated now; null when there is nothing to do: unknown, already past migration,
    /// never to be written (it could not be mapped), or its run cancelled before it started (it is cancelled then).
    /// </summary>
    private async Task<RunUser?> UserToMigrateAsync(Guid runId, string userKey, CancellationToken ct)
    {
        var user = await UserLedgerQueries.UserAsync(db, runId, userKey, ct);
        if (user is null || user.Status is UserStatus.Verified or UserStatus.Mismatched or UserStatus.Skipped or UserStatus.Planned or UserStatus.Cancelled
            || user.ZepUserId == UserTarget.Unmappable)
            return null;
        if (user.Status is UserStatus.Staged or UserStatus.Queued && await UserLedgerQueries.RunCancelledAsync(db, runId, ct))
        {
            user.Status = UserStatus.Cancelled;
            user.Error = "run cancelled before this user was migrated";
            user.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            return null;
        }
        return user;
    }

    /// <summary>Never plans from a purged payload (it would write empty text): the user fails until retry refills it. Returns false.</summary>
    private async Task<bool> RefusePurgedAsync(Guid runId, string userKey, RunUser user, CancellationToken ct)
    {
        // A duplicate delivery that read the user before its lock was free finds it verified (and purged) by the
        // validation that held the lock meanwhile: nothing to do, as for any verified user.
        var now = await db.RunUsers.AsNoTracking().Where(u => u.RunId == runId && u.UserKey == userKey).Select(u => u.Status).SingleAsync(ct);
        if (now is UserStatus.Verified or UserStatus.Mismatched or UserStatus.Skipped or UserStatus.Cancelled) return false;
        user.Status = UserStatus.Failed;
        user.Error = "content purged from the ledger; retry re-reads the run's source files";
        user.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return false;
    }

    /// <summary>
    /// Plans the user's writes and makes them (user, threads, then messages and episodes; in a sync only what changed since
    /// the earlier runs, then the deletions); returns what happened to the items.
    /// </summary>
    private async Task<Written> WriteAsync(Guid runId, string userKey, RunUser user, List<StagedItem> items, SyncInputs sync, CancellationToken ct)
    {
        // Everything Zep sees, and every key, follows the Zep user id (the mem0 id unless the users file or a prefix maps it).
        var target = UserTarget.Of(user);
        var zepUserId = target.ZepUserId;
        var decision = SyncClassifier.Classify(zepUserId, sync.History, items, sync.Others, sync.FullExport);
        var plan = UserPlanner.Plan(target, items, decision.Context);
        var ownBatchKey = IdempotencyKey.ForBatch(zepUserId);
        var ledger = await WriteUnitLedger.LoadAsync(db, clock, zepOptions.Value.Target, runId, userKey, plan.AllKeys.Append(ownBatchKey), ct);
        await SharedBatchRecovery.ResolveAsync(batches, ledger, ct);
        var writer = new IdempotentZepWriter(zep, ledger, zepUserId, writeMode);

        var threads = await writer.EnsureUserAndThreadsAsync(plan.User, plan.Threads, writeMode.UseBatch ? null : plan.Episodes, ct);
        if (writer.UserFoundInZep && sync.History.IsEmpty)
            (decision, plan) = await SyncFromZepAsync(runId, userKey, target, items, sync, plan, writer, ledger, ct) ?? (decision, plan);
        await writer.AdoptWhatZepHoldsAsync(threads, plan.Episodes, ct);
        if (!writer.UserCreated && ledger.StateOf(plan.User.Key) == WriteState.Confirmed
            && await UserLedgerQueries.RunUpdatesUsersAsync(db, runId, ct)
            && await UserProfileUpdate.ApplyAsync(zep, target, plan.User.Request, ct))
            user.ProfileUpdated = true;
        if (writeMode.UseBatch)
        {
            if (!await WriteThroughBatchesAsync(zepUserId, plan, threads, ledger, ledger.StateOf(ownBatchKey) == WriteState.Sent, writer.FailedItems, ct))
            {
                if (writeMode.Configured == ZepWriteMode.Batch)
                    throw new InvalidOperationException("Zep:WriteMode is batch but Zep answered 404 to POST /batches (no Batch API); use auto or sequential.");
                writeMode.BatchApiUnavailable();
            }
            writer.ForgetWhatWasReadBack();
        }
        await writer.WriteMessagesAndEpisodesAsync(threads, plan.Episodes, ct);
        var removed = sync.PropagateDeletes && decision.Deleted.Count > 0
            ? await DeletedMemories.RemoveFromZepAsync(zep, zepUserId, decision.Deleted, ct) : null;
        return new Written(writer.FailedItems, decision, removed);
    }

    /// <summary>
    /// Zep is the truth: this ledger has no history of a user Zep already holds (a new or lost ledger), so the user's
    /// history is read from its episodes' metadata and the memories are planned again against it (a changed one gets its
    /// next version instead of being adopted under its old key). Null when Zep holds no memory of the user.
    /// </summary>
    private async Task<(SyncDecision, UserPlan)?> SyncFromZepAsync(Guid runId, string userKey, UserTarget target, List<StagedItem> items, SyncInputs sync,
        UserPlan plan, IdempotentZepWriter writer, WriteUnitLedger ledger, CancellationToken ct)
    {
        if (plan.Episodes.Count == 0 && !sync.FullExport) return null;
        var history = ZepItemHistory.From(await writer.UserEpisodesAsync(ct), items, plan);
        if (history.IsEmpty) return null;
        var others = await SyncInputs.OthersAsync(db, runId, userKey, ct);
        var decision = SyncClassifier.Classify(target.ZepUserId, history, items, others, sync.FullExport);
        var replanned = UserPlanner.Plan(target, items, decision.Context);
        var kept = replanned.Episodes.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        writer.Drop(plan.Episodes.Where(e => !kept.Contains(e.Key)));
        await ledger.LoadMoreAsync(kept, ct);
        return (decision, replanned);
    }

    /// <summary>What writing a user did: the items that failed, the sync's decision, and the episodes deleted per deleted memory (null: none asked).</summary>
    private sealed record Written(FailedItems Failed, SyncDecision Decision, IReadOnlyDictionary<string, int>? Removed);

    /// <summary>
    /// One transaction records the outcome: a single set-based UPDATE marks the written items migrated (instead of one
    /// UPDATE per item), then the failed items (with their reasons), the write units confirmed since the last write-ahead
    /// save, and the user are saved, then the user's Zep requests are added. The user's lock is held, so nothing else
    /// changes its items meanwhile. Relaxed: every unit's Sent mark is durable already, so a power failure that took this
    /// commit back costs a rerun of the user only.
    /// </summary>
    private async Task RecordOutcomeAsync(Guid runId, string userKey, RunUser user, List<StagedItem> items, Written written, CancellationToken ct)
    {
        var failed = written.Failed;
        await using var relaxed = await RelaxedCommits.BeginAsync(db, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var failedKeys = failed.Keys.ToList();
        await db.StagedItems
            .Where(i => i.RunId == runId && i.UserKey == userKey && i.Kind != StagedItemKind.Unreadable
                        && i.Status == ItemStatus.Staged && !failedKeys.Contains(i.ItemKey))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ItemStatus.Migrated), ct);
        // Each item's change since the earlier runs and the version written: one UPDATE per kind of outcome (a few).
        foreach (var group in items.GroupBy(i => written.Decision.OutcomeOf(i.ItemKey)))
        {
            var keys = group.Select(i => i.ItemKey).ToList();
            var (change, version) = (group.Key.Change, group.Key.Version);
            await db.StagedItems.Where(i => i.RunId == runId && i.UserKey == userKey && keys.Contains(i.ItemKey))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Change, change).SetProperty(i => i.Version, version), ct);
        }
        DeletedMemories.Record(db, runId, userKey, written.Decision.Deleted, written.Removed, clock.GetUtcNow());
        foreach (var item in items)
        {
            if (failed.TryGetReason(item.ItemKey, out var reason))
            {
                // The context is this delivery's own, so nothing tracks the item yet; a context used twice would.
                var tracked = db.StagedItems.Local.FirstOrDefault(i => i.Id == item.Id) ?? db.StagedItems.Attach(item).Entity;
                tracked.Status = ItemStatus.Failed;
                tracked.Reason = $"{item.SourceFile} record #{item.RecordIndex}: {reason}";
            }
        }
        user.Status = UserStatus.Migrated;
        user.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        var requestsRecorded = await zepRequests.AddInTransactionAsync(runId, userKey, ct);
        await transaction.CommitAsync(ct);
        requestsRecorded();
    }

    /// <summary>
    /// A shared batch when the user has at most 350 items never sent and no batch of its own still open; otherwise the
    /// user's own batches. False when Zep does not serve the Batch API.
    /// </summary>
    private async Task<bool> WriteThroughBatchesAsync(string zepUserId, UserPlan plan, IReadOnlyList<PlannedThread> threads, WriteUnitLedger ledger,
        bool ownBatchOpen, FailedItems failedItems, CancellationToken ct)
    {
        var open = BatchItemPlanner.Entries(plan, threads)
            .Where(e => ledger.StateOf(e.UnitKey) is not (WriteState.Confirmed or WriteState.Failed)).ToList();
        if (!ownBatchOpen)
        {
            if (open.Count == 0) return true; // nothing left to write (a rerun)
            var shared = new SharedBatchWriter(sharedBatches, ledger, failedItems);
            var unsent = shared.Unsent(open);
            if (unsent.Count == open.Count && sharedBatches.Accepts(unsent.Count)) return await shared.WriteAsync(unsent, ct);
        }
        return await new BatchZepWriter(zep, batches, ledger, zepUserId, zepOptions.Value, failedItems).WriteAsync(plan, threads, ct);
    }
}
