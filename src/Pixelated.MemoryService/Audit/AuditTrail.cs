using Microsoft.EntityFrameworkCore;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Data.Entities;

namespace Pixelated.MemoryService.Audit;

/// <summary>
/// The hash-chained audit trail: appends go through this instance's <see cref="AuditWriter"/> (batched, chained, committed
/// before the operation answers); <see cref="VerifyAsync"/> walks the chain.
/// </summary>
public sealed class AuditTrail(MemoryDbContext db, AuditWriter writer)
{
    public Task AppendAsync(Caller caller, string action, string? subjectUserId, string? sessionId, string outcome, CancellationToken ct) =>
        writer.AppendAsync(new AuditEntry
        {
            ActorId = caller.Id,
            ActorRole = caller.Role,
            Action = action,
            SubjectUserId = subjectUserId,
            SessionId = sessionId,
            Outcome = outcome,
            PreviousHash = "",
            Hash = "",
        }, ct);

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
