namespace Pixelated.MemoryService.Application.Memory;

/// <summary>
/// A message to store: <c>role</c> user|assistant|therapist|system, its content, the speaker's name and when it was said
/// (RFC 3339; Zep's ingestion time when absent). Unchecked: <see cref="MessageWriter"/> validates it.
/// </summary>
public sealed record NewMessage(string? Role, string? Content, string? Name = null, string? CreatedAt = null);

/// <summary>A write's answer: ids and counts only (kept by the idempotency store, so never content).</summary>
public sealed record MessagesStored(string SessionId, IReadOnlyList<string> MessageUuids, int Stored);
