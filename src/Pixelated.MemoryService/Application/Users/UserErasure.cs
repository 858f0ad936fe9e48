using Microsoft.EntityFrameworkCore;
using Pixelated.MemoryService.Access;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MemoryService.Application.Users;

/// <summary>
/// The right to erasure: the Zep user (with its threads and graph), then the service's rows about the user — its
/// sessions, the assignments where it is the patient or the therapist, the idempotency records of its own writes. The
/// audit rows stay (append-only, and they hold ids, never content).
/// </summary>
public sealed class UserErasure(ZepClient zep, MemoryDbContext db, Guard guard)
{
    public async Task<Outcome<UserErased>> EraseAsync(Caller caller, string userId, CancellationToken ct)
    {
        const string action = "user.erase";
        if (await guard.CheckAsync<UserErased>(caller, Operation.ManageUsers, action, userId, null, ct) is { } denied) return denied;

        var inZep = await zep.DeleteUserAsync(userId, ct);
        var (sessions, others) = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var sessionRows = await db.Sessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);
            var assignments = await db.Assignments.Where(a => a.PatientId == userId || a.TherapistId == userId).ExecuteDeleteAsync(ct);
            var keys = await db.IdempotencyKeys.Where(k => k.CallerId == userId).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
            return (sessionRows, assignments + keys);
        });
        var outcome = inZep || sessions + others > 0
            ? Outcome<UserErased>.Ok(new UserErased(userId, true, sessions))
            : Outcome<UserErased>.NotFound("no such user");
        return await guard.RecordAsync(caller, action, userId, null, outcome, ct);
    }
}
