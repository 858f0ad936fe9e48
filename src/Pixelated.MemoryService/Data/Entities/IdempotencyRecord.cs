namespace Pixelated.MemoryService.Data.Entities;

/// <summary>
/// A write's <c>Idempotency-Key</c> and its first answer, kept so that a retry gets that answer and Zep gets nothing twice.
/// Keyed by caller and key; <see cref="RequestHash"/> tells a retry from a different request reusing the key. Write
/// answers carry ids and counts only, never clinical text, so <see cref="ResponseBody"/> holds none.
/// </summary>
public sealed class IdempotencyRecord
{
    public required string CallerId { get; set; }
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Null while the first request is still being answered.</summary>
    public int? StatusCode { get; set; }
    public string? ContentType { get; set; }
    public string? Location { get; set; }
    public byte[]? ResponseBody { get; set; }
}
