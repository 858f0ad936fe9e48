using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// Counts the ledger's database round trips (every command EF Core executes) in the embedded run, by statement shape, and
/// its transactions: each explicit one (a multi-statement SaveChanges, a service's own transaction) plus each command run
/// outside one (SQLite runs it as a transaction of its own), comparable with the distributed run's count from PostgreSQL.
/// </summary>
public sealed partial class DbCommandCounter : DbCommandInterceptor, IDbTransactionInterceptor
{
    private const int MaxTextsRemembered = 10_000;
    private readonly ConcurrentDictionary<string, long> _shapes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _shapeOfText = new(StringComparer.Ordinal);
    private long _commands;
    private long _transactions;

    public long Commands => Interlocked.Read(ref _commands);

    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>The most frequent statement shapes (verb and table of each statement in the command), most frequent first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> TopShapes(int count) =>
        _shapes.OrderByDescending(kv => kv.Value).Take(count).ToList();

    /// <summary>Starts counting afresh (after the host's start-up: migrations, first queries).</summary>
    public void Reset()
    {
        _shapes.Clear();
        Interlocked.Exchange(ref _commands, 0);
        Interlocked.Exchange(ref _transactions, 0);
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Interlocked.Increment(ref _transactions);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
        CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _transactions);
        return ValueTask.FromResult(result);
    }

    private void Count(DbCommand command)
    {
        Interlocked.Increment(ref _commands);
        if (command.Transaction is null) Interlocked.Increment(ref _transactions);
        _shapes.AddOrUpdate(ShapeOf(command.CommandText), 1, (_, n) => n + 1);
    }

    /// <summary>
    /// EF Core sends the same few texts over and over, so each text's shape is worked out once: the regex ran inside the
    /// embedded writers' turn (this interceptor runs as each command starts), where it was 3 % of the work done holding it.
    /// </summary>
    private string ShapeOf(string commandText)
    {
        if (_shapeOfText.TryGetValue(commandText, out var known)) return known;
        var shape = string.Join(" + ", Statement().Matches(commandText).Select(m => $"{(m.Groups[1].Success ? "SELECT" : m.Groups[2].Value.ToUpperInvariant())} {m.Groups[3].Value}").Distinct());
        if (shape.Length == 0) shape = "other";
        if (_shapeOfText.Count < MaxTextsRemembered) _shapeOfText.TryAdd(commandText, shape);
        return shape;
    }

    [GeneratedRegex(@"\b(?:(SELECT)\b.*?\bFROM|(INSERT INTO|UPDATE|DELETE FROM))\s+""?(\w+)""?", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Statement();

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Count(command);
        return base.ReaderExecuting(command, eventData, result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Count(command);
        return base.NonQueryExecuting(command, eventData, result);
    }
}
