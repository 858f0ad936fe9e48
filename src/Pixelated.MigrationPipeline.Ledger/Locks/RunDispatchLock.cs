using Microsoft.EntityFrameworkCore;

namespace Pixelated.MigrationPipeline.Ledger.Locks;

/// <summary>
/// Lets one dispatcher at a time hand out a run's free slots, for as long as its ledger transaction lasts: on PostgreSQL a
/// transaction-level advisory lock on the run (released by the commit or rollback, or with the connection if the process
/// dies); on SQLite the transaction itself, which takes the database's write lock when it begins.
/// </summary>
public static class RunDispatchLock
{
    /// <summary>Takes the lock inside the context's current transaction, waiting for a dispatcher of the same run that holds it.</summary>
    public static async Task TakeAsync(LedgerDbContext db, Guid runId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("The run's dispatch lock lives in a transaction: begin one first.");
        if (!db.Database.IsNpgsql()) return;
        var key = LockKey.Of("dispatch", runId.ToString("N"));
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key})", ct);
    }
}
