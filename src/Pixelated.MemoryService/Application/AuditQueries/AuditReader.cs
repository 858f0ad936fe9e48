using Microsoft.EntityFrameworkCore;
using Pixelated.MemoryService.Access;
using Pixelated.MemoryService.Audit;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;

namespace Pixelated.MemoryService.Application.AuditQueries;

/// <summary>One audit row as an admin reads it (no content: there is none to show).</summary>
public sealed record AuditRow(long Id, DateTimeOffset At, string ActorId, string ActorRole, string Action,
    string? SubjectUserId, string? SessionId, string Outcome, string Hash);

public sealed record AuditPage(IReadOnlyList<AuditRow> Entries, long? NextAfterId);

/// <summary>Admin reads of the audit trail (oldest first, paged by id) and the chain's verification; both are audited.</summary>
public sealed class AuditReader(MemoryDbContext db, AuditTrail trail, Guard guard)
{
    public const int MaxPage = 500;

    public async Task<Outcome<AuditPage>> ReadAsync(Caller caller, string? subjectUserId, string? action, long? afterId, int limit, CancellationToken ct)
    {
        if (await guard.CheckAsync<AuditPage>(caller, Operation.ReadAudit, "audit.read", null, null, ct) is { } refused) return refused;
        if (limit is < 1 or > MaxPage) return Outcome<AuditPage>.Invalid("limit", $"must be 1 to {MaxPage}");
        var query = db.Audit.AsNoTracking().Where(a => a.Id > (afterId ?? 0));
        if (!string.IsNullOrEmpty(subjectUserId)) query = query.Where(a => a.SubjectUserId == subjectUserId);
        if (!string.IsNullOrEmpty(action)) query = query.Where(a => a.Action == action);
        var rows = await query.OrderBy(a => a.Id).Take(limit + 1)
            .Select(a => new AuditRow(a.Id, a.At, a.ActorId, a.ActorRole, a.Action, a.SubjectUserId, a.SessionId, a.Outcome, a.Hash))
            .ToListAsync(ct);
        var page = new AuditPage(rows.Take(limit).ToList(), rows.Count > limit ? rows[limit - 1].Id : null);
        return await guard.RecordAsync(caller, "audit.read", subjectUserId, null, Outcome<AuditPage>.Ok(page), ct);
    }

    public async Task<Outcome<AuditVerification>> VerifyAsync(Caller caller, CancellationToken ct)
    {
        if (await guard.CheckAsync<AuditVerification>(caller, Operation.ReadAudit, "audit.verify", null, null, ct) is { } refused) return refused;
        var verification = await trail.VerifyAsync(ct);
        return await guard.RecordAsync(caller, "audit.verify", null, null, Outcome<AuditVerification>.Ok(verification), ct);
    }
}
