using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Pixelated.MigrationPipeline.Ledger;

/// <summary>
/// Queues the SQLite ledger's writers in this process (the embedded mode: every consumer shares one database file and
/// SQLite lets one connection write at a time). Without it, a writer that finds the database locked sleeps in SQLite's
/// busy handler (1, 2, 5, 10, 15… ms) and retries, so the lock sits idle between a commit and the wake-up of the next
/// writer; with it, the next writer in line starts as soon as the last one is done. A write transaction holds the gate
/// from its start to its commit, rollback or the close of its connection; a write outside a transaction (one statement)
/// holds it while it runs. It is only a queue: SQLite's own locking still guarantees correctness, and a writer that has
/// waited <see cref="MaxWait"/> goes ahead without it.
/// </summary>
public sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor
{
    /// <summary>As long as SQLite's own busy timeout: past it, the writer would fail anyway.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(SqliteConnectionSetup.BusyTimeoutMs);

    private readonly SemaphoreSlim _gate = new(1, 1);
    /// <summary>Per holding connection: when it got its turn (<see cref="Stopwatch.GetTimestamp"/>), or -1 when it went ahead without it.</summary>
    private readonly ConcurrentDictionary<DbConnection, long> _holders = new(ReferenceEqualityComparer.Instance);
    private long _heldTicks;

    /// <summary>Connections holding a writer's turn right now, waiters not included (for tests and diagnostics).</summary>
    public int Holders => _holders.Count;

    /// <summary>How long writers have held the gate in all, turns that ended so far (diagnostics: near the elapsed time, the writer is the bound).</summary>
    public TimeSpan HeldTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _heldTicks));

    // ---- transactions: from start to commit / rollback / failure / connection close ----

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Enter(connection);
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(connection, cancellationToken);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Leave(ConnectionOf(eventData));

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(ConnectionOf(eventData));
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Leave(ConnectionOf(eventData));

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(ConnectionOf(eventData));
        return Task.CompletedTask;
    }

    // A failed start, commit or rollback ends the writer's turn (a failed savepoint only shortens it: the queue is an optimisation).
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Leave(ConnectionOf(eventData));

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(ConnectionOf(eventData));
        return Task.CompletedTask;
    }

    // A transaction disposed without commit or rollback (an exception on the way) ends with its connection's close.
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Leave(connection);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Leave(connection);
        return Task.CompletedTask;
    }

    // ---- a write statement outside a transaction: while it runs ----

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (IsLoneWrite(command)) Enter(command.Connection!);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (IsLoneWrite(command)) await EnterAsync(command.Connection!, cancellationToken);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        LeaveUnlessInTransaction(command);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        LeaveUnlessInTransaction(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (IsLoneWrite(command)) Enter(command.Connection!);
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (IsLoneWrite(command)) await EnterAsync(command.Connection!, cancellationToken);
        return result;
    }

    // A statement with RETURNING holds SQLite's lock until its reader is done with it.
    public InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        LeaveUnlessInTransaction(command);
        return result;
    }

    public ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        LeaveUnlessInTransaction(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        LeaveUnlessInTransaction(command);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => LeaveUnlessInTransaction(command);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveUnlessInTransaction(command);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => LeaveUnlessInTransaction(command);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveUnlessInTransaction(command);
        return Task.CompletedTask;
    }

    // ---- the queue ----

    private static bool IsLoneWrite(DbCommand command)
    {
        if (command.Transaction is not null || command.Connection is null) return false;
        var sql = command.CommandText.AsSpan().TrimStart();
        return sql.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
               || sql.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("REPLACE", StringComparison.OrdinalIgnoreCase);
    }

    private void Enter(DbConnection connection)
    {
        if (_holders.ContainsKey(connection)) return;
        var entered = _gate.Wait(MaxWait);
        _holders[connection] = entered ? Stopwatch.GetTimestamp() : -1;
    }

    private async Task EnterAsync(DbConnection connection, CancellationToken ct)
    {
        if (_holders.ContainsKey(connection)) return;
        var entered = await _gate.WaitAsync(MaxWait, ct);
        _holders[connection] = entered ? Stopwatch.GetTimestamp() : -1;
    }

    private static DbConnection? ConnectionOf(TransactionEventData eventData) => eventData.Context?.Database.GetDbConnection();

    private void LeaveUnlessInTransaction(DbCommand command)
    {
        if (command.Transaction is null && command.Connection is { } connection) Leave(connection);
    }

    private void Leave(DbConnection? connection)
    {
        if (connection is null) return;
        if (!_holders.TryRemove(connection, out var since) || since < 0) return;
        Interlocked.Add(ref _heldTicks, Stopwatch.GetTimestamp() - since);
        _gate.Release();
    }
}
