namespace Pixelated.MemoryService.Idempotency;

/// <summary>The <c>Idempotency-Key</c> header: 1 to 200 printable ASCII characters chosen by the client, one per logical write.</summary>
public static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxLength = 200;

    public static bool IsValid(string key) =>
        key.Length is > 0 and <= MaxLength && key.All(c => c is >= '!' and <= '~');
}
