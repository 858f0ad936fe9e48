using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Data.Entities;
using Pixelated.MemoryService.Options;

namespace Pixelated.MemoryService.Idempotency;

/// <summary>What claiming a key found: it is ours to answer, its first answer, a request still in flight, or another request.</summary>
public enum ClaimResult
{
    Claimed,
    Replay,
    InFlight,
    Mismatch,
}

/// <summary>
/// Keys and first answers in the service database (shared by every instance). A key is claimed by inserting its row
/// (the primary key on caller and key decides between racing instances); the answer is stored when the request ends.
/// </summary>
public sealed class IdempotencyStore(MemoryDbContext db, IOptions<MemoryOptions> options, TimeProvider clock)
{
    private TimeSpan KeptFor => TimeSpan.FromHours(options.Value.IdempotencyHours);

    public async Task<(ClaimResult Result, IdempotencyRecord? First)> ClaimAsync(string callerId, string key, string requestHash, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var existing = await db.IdempotencyKeys.AsNoTracking().FirstOrDefaultAsync(r => r.CallerId == callerId && r.Key == key, ct);
            if (existing is not null && existing.CreatedAt + KeptFor <= clock.GetUtcNow())
            {
                await db.IdempotencyKeys.Where(r => r.CallerId == callerId && r.Key == key && r.CreatedAt == existing.CreatedAt).ExecuteDeleteAsync(ct);
                existing = null;
            }
            if (existing is not null)
            {
                if (existing.RequestHash != requestHash) return (ClaimResult.Mismatch, existing);
                return existing.StatusCode is null ? (ClaimResult.InFlight, existing) : (ClaimResult.Replay, existing);
            }
            var claim = new IdempotencyRecord { CallerId = callerId, Key = key, RequestHash = requestHash, CreatedAt = clock.GetUtcNow() };
            db.IdempotencyKeys.Add(claim);
            try
            {
                await db.SaveChangesAsync(ct);
                db.Entry(claim).State = EntityState.Detached;
                return (ClaimResult.Claimed, null);
            }
            catch (DbUpdateException e) when (IsDuplicate(e))
            {
                db.Entry(claim).State = EntityState.Detached; // another instance claimed it first: read its row
            }
        }
        return (ClaimResult.InFlight, null);
    }

    public async Task CompleteAsync(string callerId, string key, int status, string? contentType, string? location, byte[] body, CancellationToken ct) =>
        await db.IdempotencyKeys.Where(r => r.CallerId == callerId && r.Key == key)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.StatusCode, status)
                .SetProperty(r => r.ContentType, contentType)
                .SetProperty(r => r.Location, location)
                .SetProperty(r => r.ResponseBody, body), ct);

    /// <summary>Gives a key back (the request failed on our side or Zep's before an answer worth keeping), so a retry runs again.</summary>
    public async Task ReleaseAsync(string callerId, string key, CancellationToken ct) =>
        await db.IdempotencyKeys.Where(r => r.CallerId == callerId && r.Key == key && r.StatusCode == null).ExecuteDeleteAsync(ct);

    /// <summary>Removes keys older than <c>Memory:IdempotencyHours</c>; returns how many.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - KeptFor;
        return await db.IdempotencyKeys.Where(r => r.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
    }

    private static bool IsDuplicate(DbUpdateException e) => e.InnerException switch
    {
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException s => s.SqliteErrorCode == 19, // SQLITE_CONSTRAINT
        DbException => false,
        _ => false,
    };
}
