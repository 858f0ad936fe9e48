using Pixelated.MemoryService.Access;
using Pixelated.MemoryService.Audit;
using Pixelated.MemoryService.Auth;

namespace Pixelated.MemoryService.Application;

/// <summary>
/// The access check and audit every operation goes through, for HTTP and MCP alike: <see cref="CheckAsync"/> refuses
/// (and audits the refusal) what <see cref="AccessRules"/> does not allow; <see cref="RecordAsync"/> audits the outcome
/// of what was allowed. Clinical reads and writes and every user, role and assignment change are audited; content never.
/// </summary>
public sealed class Guard(AccessPolicy policy, AuditTrail audit)
{
    /// <summary>Null when allowed; otherwise the refusal, already audited.</summary>
    public async Task<Outcome<T>?> CheckAsync<T>(Caller caller, Operation operation, string action, string? subjectUserId, string? sessionId, CancellationToken ct)
    {
        if (await policy.AllowsAsync(caller, operation, subjectUserId, ct)) return null;
        await audit.AppendAsync(caller, action, subjectUserId, sessionId, AuditOutcome.Of(OutcomeKind.Forbidden), ct);
        return Outcome<T>.Forbidden();
    }

    /// <summary>Audits an allowed operation's outcome and passes it on.</summary>
    public async Task<Outcome<T>> RecordAsync<T>(Caller caller, string action, string? subjectUserId, string? sessionId, Outcome<T> outcome, CancellationToken ct)
    {
        await audit.AppendAsync(caller, action, subjectUserId, sessionId, AuditOutcome.Of(outcome.Kind), ct);
        return outcome;
    }
}
