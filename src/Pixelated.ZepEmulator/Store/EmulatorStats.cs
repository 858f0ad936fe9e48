namespace Pixelated.ZepEmulator;

/// <summary>Counts of stored data and of answered requests by HTTP status code.</summary>
public sealed record EmulatorStats(
    int Users,
    int Threads,
    int Messages,
    int Episodes,
    IReadOnlyDictionary<string, long> Requests);
