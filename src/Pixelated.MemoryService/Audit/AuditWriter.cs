using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Data.Entities;

namespace Pixelated.MemoryService.Audit;

/// <summary>
/// This instance's writer of audit rows. Requests hand their row over and wait until it is committed (an operation is
/// answered only once its audit is durable); a writer appends whatever has queued meanwhile in one transaction: one
/// chain lock, one read of the chain's head, the chained inserts, one commit; on PostgreSQL all of it is one call of
/// the <c>audit_append</c> function (one round trip). Appends are serialised across every instance (a PostgreSQL
/// transaction-scoped advisory lock; on SQLite, which one instance owns, a process-wide gate), so each row chains to the
/// row before it. Under load this turns one lock hold per request into one per batch, which is what keeps the chain
/// from becoming the service's queue.
/// </summary>
public sealed class AuditWriter(IServiceScopeFactory scopes, TimeProvider clock, ILogger<AuditWriter> logger) : BackgroundService
{
    public const int MaxBatch = 256;

    /// <summary>
    /// Batches written at once: while one holds the chain lock, the next has already asked for it (PostgreSQL queues it),
    /// so no round trip is lost between batches. The lock keeps their rows in one chain.
    /// </summary>
    public const int Writers = 2;
    private static readonly SemaphoreSlim SqliteGate = new(1, 1);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });

    /// <summary>Queues <paramref name="entry"/> (its time, links and hash are set when it is written) and waits for its commit.</summary>
    public Task AppendAsync(AuditEntry entry, CancellationToken ct)
    {
        var pending = new Pending(entry, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending)) throw new InvalidOperationException("the audit writer has stopped");
        return pending.Committed.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(() => WriteBatchesAsync(stoppingToken), CancellationToken.None)));
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var left)) left.Committed.TrySetCanceled(CancellationToken.None);
        }
    }

    private async Task WriteBatchesAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next)) batch.Add(next);
                if (batch.Count == 0) continue; // the other writer took them
                try
                {
                    await WriteAsync(batch, stoppingToken);
                    foreach (var pending in batch) pending.Committed.TrySetResult();
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogError("Appending {Count} audit rows failed ({Error}); their operations fail", batch.Count, e.GetType().Name);
                    foreach (var pending in batch) pending.Committed.TrySetException(e);
                }
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var pending in batch) pending.Committed.TrySetCanceled(CancellationToken.None);
        }
    }

    private async Task WriteAsync(List<Pending> batch, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MemoryDbContext>();
        var at = AuditHash.Stored(clock.GetUtcNow());
        if (db.Database.IsNpgsql())
        {
            await AppendOnPostgresAsync(db, batch, at, ct);
            return;
        }
        await SqliteGate.WaitAsync(ct);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var previous = await db.Audit.OrderByDescending(a => a.Id).Select(a => a.Hash).FirstOrDefaultAsync(ct) ?? AuditHash.Genesis;
            foreach (var pending in batch)
            {
                var entry = pending.Entry;
                entry.At = at;
                entry.PreviousHash = previous;
                entry.Hash = AuditHash.Of(entry);
                previous = entry.Hash;
                db.Audit.Add(entry);
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        finally
        {
            SqliteGate.Release();
        }
    }

    /// <summary>
    /// One call of <c>audit_append</c> (migration <c>AuditAppendFunction</c>): the lock, the head read, the chained inserts
    /// and the commit in one round trip, so the chain lock is held for the function's run only.
    /// </summary>
    private static Task AppendOnPostgresAsync(MemoryDbContext db, List<Pending> batch, DateTimeOffset at, CancellationToken ct)
    {
        string?[] Column(Func<AuditEntry, string?> field) => batch.Select(p => field(p.Entry)).ToArray();
        return db.Database.ExecuteSqlRawAsync("SELECT audit_append(@at, @actors, @roles, @actions, @subjects, @sessions, @outcomes)",
        [
            new NpgsqlParameter("at", at),
            new NpgsqlParameter("actors", Column(e => e.ActorId)),
            new NpgsqlParameter("roles", Column(e => e.ActorRole)),
            new NpgsqlParameter("actions", Column(e => e.Action)),
            new NpgsqlParameter("subjects", Column(e => e.SubjectUserId)),
            new NpgsqlParameter("sessions", Column(e => e.SessionId)),
            new NpgsqlParameter("outcomes", Column(e => e.Outcome)),
        ], ct);
    }

    private sealed record Pending(AuditEntry Entry, TaskCompletionSource Committed);
}
