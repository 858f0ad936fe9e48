namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// What one incoming request of the memory service spent in Zep and in its own database. <see cref="Begin"/> puts a fresh
/// one in an <see cref="AsyncLocal{T}"/> at the start of the request, so the Zep client's handler and the database
/// interceptor, running in the request's async flow, find it through <see cref="Current"/>.
/// </summary>
public sealed class MemoryRequestTime
{
    private static readonly AsyncLocal<MemoryRequestTime?> Slot = new();

    public static MemoryRequestTime? Current => Slot.Value;

    public MemoryTimeSpent Zep { get; } = new();

    public MemoryTimeSpent Database { get; } = new();

    /// <summary>A new one for the request now running (and everything it awaits).</summary>
    public static MemoryRequestTime Begin() => Slot.Value = new MemoryRequestTime();
}
