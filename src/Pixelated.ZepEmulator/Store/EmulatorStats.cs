namespace Pixelated.ZepEmulator;

/// <summary>Counts of stored data and of answered requests by HTTP status code.</summary>
public sealed record EmulatorStats(
    int Users,
    int Threads,
    int Messages,
    int Episodes,
    IReadOnlyDictionary<string, long> Requests)
{
    /// <summary>Injected faults by kind (<see cref="EmulatorFaultKinds"/>); every kind is present, 0 when none happened.</summary>
    public IReadOnlyDictionary<string, long> Faults { get; init; } = new Dictionary<string, long>();

    /// <summary>Answered requests by method and route pattern, e.g. <c>POST /threads/{threadId}/messages</c>.</summary>
    public IReadOnlyDictionary<string, long> RequestsByRoute { get; init; } = new Dictionary<string, long>();

    /// <summary>Batches (Batch API) currently held, whatever their status.</summary>
    public int Batches { get; init; }
}
