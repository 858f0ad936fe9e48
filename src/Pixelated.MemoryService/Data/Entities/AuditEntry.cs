namespace Pixelated.MemoryService.Data.Entities;

/// <summary>
/// One row of the append-only audit trail: who (token subject and role), what, about whom, in which session, with what
/// outcome, when; never content. <see cref="Hash"/> chains each row to the one before (<see cref="PreviousHash"/>), so an
/// edited or deleted row breaks the chain (<c>GET /api/v1/audit/verify</c>).
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string ActorId { get; set; }
    public required string ActorRole { get; set; }
    public required string Action { get; set; }
    public string? SubjectUserId { get; set; }
    public string? SessionId { get; set; }

    /// <summary><c>ok</c>, <c>denied</c>, <c>not_found</c>, <c>conflict</c>, <c>invalid</c> or <c>failed</c>.</summary>
    public required string Outcome { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}
