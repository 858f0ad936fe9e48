using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// The ledger reads every migrated user makes (migration, validation), compiled once per model
/// (<see cref="CompiledPerModel{TQuery}"/>): an ad-hoc LINQ query builds its expression tree on every call and has EF Core
/// hash it and look it up in its query cache before it runs, which profiling put at about a tenth of a worker's CPU.
/// </summary>
public static class UserLedgerQueries
{
    /// <summary>The user's row, tracked (the caller changes its status).</summary>
    public static Task<RunUser?> UserAsync(LedgerDbContext db, Guid runId, string userKey, CancellationToken ct) =>
        User.For(db)(db, runId, userKey, ct);

    /// <summary>Whether the run was cancelled (a queued user then does not start).</summary>
    public static Task<bool> RunCancelledAsync(LedgerDbContext db, Guid runId, CancellationToken ct) =>
        RunCancelled.For(db)(db, runId, ct);

    /// <summary>Whether the run patches users that already exist in Zep (<c>--update-users</c>).</summary>
    public static Task<bool> RunUpdatesUsersAsync(LedgerDbContext db, Guid runId, CancellationToken ct) =>
        RunUpdatesUsers.For(db)(db, runId, ct);

    /// <summary>The user's readable items still to write or already written, untracked.</summary>
    public static Task<List<StagedItem>> ItemsToWriteAsync(LedgerDbContext db, Guid runId, string userKey, CancellationToken ct) =>
        ItemsToWrite.For(db)(db, runId, userKey).ToListAsync(ct).AsTask();

    /// <summary>The user's migrated and failed items (unreadable records included), untracked.</summary>
    public static Task<List<StagedItem>> SettledItemsAsync(LedgerDbContext db, Guid runId, string userKey, CancellationToken ct) =>
        SettledItems.For(db)(db, runId, userKey).ToListAsync(ct).AsTask();

    /// <summary>The write units of one target among the given idempotency keys, tracked (the caller changes them).</summary>
    public static Task<List<ZepWriteUnit>> WriteUnitsAsync(LedgerDbContext db, string target, string[] keys, CancellationToken ct) =>
        WriteUnits.For(db)(db, target, keys).ToListAsync(ct).AsTask();

    private static readonly CompiledPerModel<Func<LedgerDbContext, Guid, string, CancellationToken, Task<RunUser?>>> User = new(() =>
        EF.CompileAsyncQuery((LedgerDbContext db, Guid runId, string userKey, CancellationToken _) =>
            db.RunUsers.SingleOrDefault(u => u.RunId == runId && u.UserKey == userKey)));

    private static readonly CompiledPerModel<Func<LedgerDbContext, Guid, CancellationToken, Task<bool>>> RunCancelled = new(() =>
        EF.CompileAsyncQuery((LedgerDbContext db, Guid runId, CancellationToken _) =>
            db.Runs.Any(r => r.Id == runId && r.Status == RunStatus.Cancelled)));

    private static readonly CompiledPerModel<Func<LedgerDbContext, Guid, CancellationToken, Task<bool>>> RunUpdatesUsers = new(() =>
        EF.CompileAsyncQuery((LedgerDbContext db, Guid runId, CancellationToken _) =>
            db.Runs.Any(r => r.Id == runId && r.UpdateUsers)));

    private static readonly CompiledPerModel<Func<LedgerDbContext, Guid, string, IAsyncEnumerable<StagedItem>>> ItemsToWrite = new(() =>
        EF.CompileAsyncQuery((LedgerDbContext db, Guid runId, string userKey) =>
            db.StagedItems.AsNoTracking().Where(i => i.RunId == runId && i.UserKey == userKey && i.Kind != StagedItemKind.Unreadable
                                                     && (i.Status == ItemStatus.Staged || i.Status == ItemStatus.Migrated))));

    private static readonly CompiledPerModel<Func<LedgerDbContext, Guid, string, IAsyncEnumerable<StagedItem>>> SettledItems = new(() =>
        EF.CompileAsyncQuery((LedgerDbContext db, Guid runId, string userKey) =>
            db.StagedItems.AsNoTracking().Where(i => i.RunId == runId && i.UserKey == userKey
                                                     && (i.Status == ItemStatus.Migrated || i.Status == ItemStatus.Failed))));

    private static readonly CompiledPerModel<Func<LedgerDbContext, string, string[], IAsyncEnumerable<ZepWriteUnit>>> WriteUnits = new(() =>
        EF.CompileAsyncQuery((LedgerDbContext db, string target, string[] keys) =>
            db.WriteUnits.Where(u => u.Target == target && keys.Contains(u.IdempotencyKey))));
}
