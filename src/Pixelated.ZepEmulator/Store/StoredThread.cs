namespace Pixelated.ZepEmulator;

/// <summary>A thread (formerly session) as the emulator keeps it.</summary>
public sealed record StoredThread
{
    public required string Uuid { get; init; }
    public required string ThreadId { get; init; }
    public required string UserId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Insertion sequence number (creation order).</summary>
    public long Sequence { get; init; }
}
