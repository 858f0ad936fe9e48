using Microsoft.EntityFrameworkCore;

namespace Pixelated.MigrationPipeline.Ledger;

/// <summary>
/// Ledger commits that need not survive a power failure: on SQLite (the embedded mode) they skip the flush to disk that
/// every other commit waits for (<c>PRAGMA synchronous = NORMAL</c> instead of FULL, for the scope), on PostgreSQL nothing
/// changes. A process crash loses none of them either way; a power failure may take back the last of them, never a
/// commit made before a durable one (the write-ahead log is flushed in order, so a durable commit makes every commit
/// before it durable too), and never leaves the database corrupt.
/// </summary>
/// <remarks>
/// Only outcomes the pipeline can compute again use it: a user's migration outcome (items migrated, units confirmed), its
/// validation outcome, a dispatcher's claim. Lost, the user is migrated or validated again on the next run, and the
/// write-ahead protocol makes that harmless (DESIGN.md §3.3). A write unit's <c>Sent</c> mark must never be taken back
/// once its HTTP call may have been made, so the write-ahead saves, and everything not named here, stay durable.
/// Measured on this machine (issue 6): a durable SQLite commit waits ~0.7 ms for the disk, a relaxed one ~0.03 ms, and
/// the embedded mode's writers take turns, so each flush held every other writer up.
/// </remarks>
public static class RelaxedCommits
{
    /// <summary>
    /// Commits on <paramref name="db"/> until the returned scope is disposed are relaxed. Holds the context's connection open
    /// for the scope; open it just before the transaction it is for (not across HTTP calls).
    /// </summary>
    public static async Task<IAsyncDisposable> BeginAsync(LedgerDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsSqlite()) return NoScope.Instance;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await SetAsync(db, SqliteConnectionSetup.Relaxed, ct);
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }
        return new SqliteScope(db);
    }

    private static async Task SetAsync(LedgerDbContext db, string pragma, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = pragma;
        await command.ExecuteNonQueryAsync(ct);
    }

    private sealed class SqliteScope(LedgerDbContext db) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Back to durable before the connection returns to the pool (its next open sets durable again as well, so a
            // failure here cannot leave a pooled connection relaxed).
            try
            {
                await SetAsync(db, SqliteConnectionSetup.Durable, CancellationToken.None);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private sealed class NoScope : IAsyncDisposable
    {
        public static readonly NoScope Instance = new();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
