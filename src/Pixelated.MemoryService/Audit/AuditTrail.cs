using Microsoft.EntityFrameworkCore;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Data.Entities;

namespace Pixelated.MemoryService.Audit;

/// <summary>
/// Appends to the hash-chained audit trail. Appends are serialised across every instance (a PostgreSQL transaction-scoped
/// advisory lock; on SQLite, which one instance owns, a process-wide gate), so each row chains to the row before it.
/// </summary>
public sealed class AuditTrail(MemoryDbContext db, TimeProvider clock)
{
    private const long AdvisoryLockKey = 0x5058_4d41_5544_4954; // "PXMAUDIT"
    private static readonly SemaphoreSlim SqliteGate = new(1, 1);

    public async Task AppendAsync(Caller caller, string action, string? subjectUserId, string? sessionId, string outcome, CancellationToken ct)
    {
        var postgres = db.Database.IsNpgsql();
        if (!postgres) await SqliteGate.WaitAsync(ct);
        try
        {
            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                if (postgres) await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct);
                var previous = await db.Audit.OrderByDescending(a => a.Id).Select(a => a.Hash).FirstOrDefaultAsync(ct) ?? AuditHash.Genesis;
                var entry = new AuditEntry
                {
                    At = AuditHash.Stored(clock.GetUtcNow()),
                    ActorId = caller.Id,
                    ActorRole = caller.Role,
                    Action = action,
                    SubjectUserId = subjectUserId,
                    SessionId = sessionId,
                    Outcome = outcome,
                    PreviousHash = previous,
                    Hash = "",
                };
                entry.Hash = AuditHash.Of(entry);
                db.Audit.Add(entry);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                db.Entry(entry).State = EntityState.Detached;
            });
        }
        finally
        {
            if (!postgres) SqliteGate.Release();
        }
    }

    /// <summary>
    /// Walks the whole chain in order; the first row whose hash or link does not hold, or, when all do, the chain's head
    /// (its newest row's id and hash) to keep outside the database.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct)
    {
        var previous = AuditHash.Genesis;
        long? lastId = null;
        long count = 0;
        await foreach (var entry in db.Audit.AsNoTracking().OrderBy(a => a.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            count++;
            if (entry.PreviousHash != previous)
                return new AuditVerification(false, count, entry.Id, "the row does not link to the row before it (a row was deleted or edited)");
            if (AuditHash.Of(entry) != entry.Hash)
                return new AuditVerification(false, count, entry.Id, "the row's fields do not match its hash (the row was edited)");
            previous = entry.Hash;
            lastId = entry.Id;
        }
        return new AuditVerification(true, count, null, null, lastId, lastId is null ? null : previous);
    }
}

/// <summary>
/// The result of walking the audit chain: intact, or the first row (id) where it breaks and why. An intact chain's head
/// (<see cref="LastId"/>, <see cref="LastHash"/>) is what to export: the chain alone cannot tell that its newest rows were
/// deleted (what remains still verifies), but a head kept elsewhere that is no longer in the chain can.
/// </summary>
public sealed record AuditVerification(bool Intact, long RowsChecked, long? BrokenAtId, string? Reason, long? LastId = null, string? LastHash = null);
