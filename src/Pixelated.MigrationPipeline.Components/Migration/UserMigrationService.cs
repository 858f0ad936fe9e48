using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Ledger.Locks;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>Migrates one user of a run: loads the staged items, plans the Zep writes, writes them idempotently, records outcomes.</summary>
/// <remarks>
/// Users and threads are always created directly. In batch mode (<see cref="ZepWriteModeSelector"/>) the episodes and
/// messages then go through one Batch API batch per user (<see cref="BatchZepWriter"/>); the sequential pass that follows
/// writes nothing when the batch settled every unit, and otherwise writes what it left (read back first when <c>Sent</c>).
/// </remarks>
public sealed class UserMigrationService(LedgerDbContext db, ZepClient zep, IOptions<ZepOptions> zepOptions, IUserLock locks, ZepWriteModeSelector writeMode)
{
    /// <summary>Returns false when there is nothing to do (user unknown, already past migration, or its run cancelled).</summary>
    public async Task<bool> MigrateAsync(Guid runId, string userKey, CancellationToken ct)
    {
        var user = await db.RunUsers.SingleOrDefaultAsync(u => u.RunId == runId && u.UserKey == userKey, ct);
        if (user is null || user.Status is UserStatus.Verified or UserStatus.Mismatched or UserStatus.Skipped or UserStatus.Planned or UserStatus.Cancelled)
            return false;
        if (user.Status is UserStatus.Staged or UserStatus.Queued
            && await db.Runs.AnyAsync(r => r.Id == runId && r.Status == RunStatus.Cancelled, ct))
        {
            user.Status = UserStatus.Cancelled;
            user.Error = "run cancelled before this user was migrated";
            user.UpdatedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync(ct);
            return false;
        }
        await using var held = await locks.TryAcquireAsync(zepOptions.Value.Target, userKey, ct) ?? throw new UserBusyException();
        user.Status = UserStatus.Migrating;
        user.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(ct);

        var items = await db.StagedItems
            .Where(i => i.RunId == runId && i.UserKey == userKey && i.Kind != StagedItemKind.Unreadable
                        && (i.Status == ItemStatus.Staged || i.Status == ItemStatus.Migrated))
            .ToListAsync(ct);
        var plan = UserPlanner.Plan(userKey, items);
        var ledger = await WriteUnitLedger.LoadAsync(db, zepOptions.Value.Target, runId, userKey, plan.AllKeys, ct);
        var writer = new IdempotentZepWriter(zep, ledger, userKey);

        var threads = await writer.EnsureUserAndThreadsAsync(plan.User, plan.Threads, ct);
        if (writeMode.UseBatch)
        {
            var batches = new BatchZepWriter(zep, ledger, userKey, zepOptions.Value, writer.FailedItems);
            if (!await batches.WriteAsync(plan, threads, ct))
            {
                if (writeMode.Configured == ZepWriteMode.Batch)
                    throw new InvalidOperationException("Zep:WriteMode is batch but Zep answered 404 to POST /batches (no Batch API); use auto or sequential.");
                writeMode.BatchApiUnavailable();
            }
        }
        await writer.WriteMessagesAndEpisodesAsync(threads, plan.Episodes, ct);

        // One transaction records the outcome: a single set-based UPDATE marks the written items migrated (instead of one
        // UPDATE per item), then the failed items (with their reasons), the write units confirmed since the last write-ahead
        // save, and the user are saved. The user's lock is held, so nothing else changes its items meanwhile; the tracked
        // copies of the migrated items are not used after this.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var failedKeys = writer.FailedItems.Keys.ToList();
        await db.StagedItems
            .Where(i => i.RunId == runId && i.UserKey == userKey && i.Kind != StagedItemKind.Unreadable
                        && i.Status == ItemStatus.Staged && !failedKeys.Contains(i.ItemKey))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ItemStatus.Migrated), ct);
        foreach (var item in items)
        {
            if (writer.FailedItems.TryGetValue(item.ItemKey, out var reason))
            {
                item.Status = ItemStatus.Failed;
                item.Reason = $"{item.SourceFile} record #{item.RecordIndex}: {reason}";
            }
        }
        user.Status = UserStatus.Migrated;
        user.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }
}
