namespace Pixelated.MemoryService.Data.Entities;

/// <summary>
/// A session: its Zep thread (<see cref="Id"/> is the thread id) and its lifetime. Sliding expiry: every write moves
/// <see cref="ExpiresAt"/> to the write's time plus <see cref="TimeoutMinutes"/>. Never holds clinical text.
/// </summary>
public sealed class SessionRow
{
    public required string Id { get; set; }
    public required string UserId { get; set; }
    public required string StartedBy { get; set; }
    public int TimeoutMinutes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastActivityAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Why it closed: <c>closed</c> (asked), <c>expired</c> (the sweep), <c>deleted</c> (its memory was deleted).</summary>
    public string? CloseReason { get; set; }
}
