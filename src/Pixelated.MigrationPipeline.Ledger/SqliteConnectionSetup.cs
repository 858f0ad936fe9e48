using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Pixelated.MigrationPipeline.Ledger;

/// <summary>
/// Sets up every ledger connection to SQLite (the embedded mode, where many consumers share one database file):
/// <list type="bullet">
/// <item>write-ahead logging (<c>journal_mode=WAL</c>, kept in the file once set): readers and the one writer no longer
/// block each other, and a commit is one append to the log; <c>synchronous</c> is FULL (SQLite's default), so a committed
/// transaction (a write unit's <c>Sent</c> mark above all) survives a power loss; it is set again on every open, so a
/// connection that <see cref="RelaxedCommits"/> relaxed comes back from the pool durable;</item>
/// <item>SQLite's own busy handler (<c>busy_timeout</c>): a connection that meets the write lock waits inside SQLite,
/// retrying after 1, 2, 5, 10… ms, instead of the driver's managed retry, which sleeps 150 ms per attempt.</item>
/// </list>
/// </summary>
public sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    /// <summary>As long as the driver's default command timeout (30 s).</summary>
    public const int BusyTimeoutMs = 30_000;

    /// <summary>Every commit waits for the write-ahead log to reach the disk (the default, set on every open).</summary>
    public const string Durable = "PRAGMA synchronous = FULL;";

    /// <summary>Commits do not wait for the disk; the log is flushed at the next durable commit or checkpoint (<see cref="RelaxedCommits"/>).</summary>
    public const string Relaxed = "PRAGMA synchronous = NORMAL;";

    private static readonly string Sql = $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA journal_mode = WAL; {Durable}";

    public static readonly SqliteConnectionSetup Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
