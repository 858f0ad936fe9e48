using Microsoft.EntityFrameworkCore;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;

namespace Pixelated.MemoryService.Access;

/// <summary>Applies <see cref="AccessRules"/> with the caller's therapist assignments read from the database.</summary>
public sealed class AccessPolicy(MemoryDbContext db)
{
    public async Task<bool> AllowsAsync(Caller caller, Operation operation, string? subjectUserId, CancellationToken ct)
    {
        var self = subjectUserId is not null && string.Equals(caller.Id, subjectUserId, StringComparison.Ordinal);
        var assigned = subjectUserId is not null && AccessRules.NeedsAssignments(caller, subjectUserId)
            && await db.Assignments.AnyAsync(a => a.PatientId == subjectUserId && a.TherapistId == caller.Id, ct);
        return AccessRules.Allows(caller, operation, self, assigned);
    }
}
