using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Pixelated.MigrationPipeline.Ledger.Locks;

/// <summary>
/// Lets one dispatcher at a time hand out a run's free slots, for as long as its ledger transaction lasts: on PostgreSQL a
/// transaction-level advisory lock on the run (released by the commit or rollback, or with the connection if the process
/// dies); on SQLite the transaction itself, which takes the database's write lock when it begins.
/// </summary>
public static class RunDispatchLock
{
    /// <summary>Begins a ledger transaction that holds the run's dispatch lock, waiting for whoever of the same run holds it.</summary>
    public static async Task<IDbContextTransaction> BeginAsync(LedgerDbContext db, Guid runId, CancellationToken ct) =>
        (await BeginAsync(db, runId, wait: true, ct))!;

    /// <summary>
    /// Begins a ledger transaction that holds the run's dispatch lock, or returns null when another holds it on PostgreSQL
    /// (on SQLite, where the process's writers queue anyway, it waits).
    /// </summary>
    public static Task<IDbContextTransaction?> TryBeginAsync(LedgerDbContext db, Guid runId, CancellationToken ct) =>
        BeginAsync(db, runId, wait: false, ct);

    private static async Task<IDbContextTransaction?> BeginAsync(LedgerDbContext db, Guid runId, bool wait, CancellationToken ct)
    {
        var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!db.Database.IsNpgsql()) return transaction;
        try
        {
            var key = LockKey.Of("dispatch", runId.ToString("N"));
            if (wait)
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key})", ct);
                return transaction;
            }
            if (await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({key}) AS \"Value\"").SingleAsync(ct)) return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
        await transaction.DisposeAsync();
        return null;
    }
}
