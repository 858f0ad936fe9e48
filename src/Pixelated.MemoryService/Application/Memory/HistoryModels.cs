namespace Pixelated.MemoryService.Application.Memory;

/// <summary>What a history read asks: 1..100 messages (50 when absent), a cursor of a previous page, <c>newest</c> (default) or <c>oldest</c> first.</summary>
public sealed record HistoryQuery(int? Limit = null, string? Cursor = null, string? Order = null);

/// <summary>A message as read back: its role is the speaker's original one (<c>mem0_role</c>) when Zep's differs.</summary>
public sealed record HistoryMessage(string? Uuid, string Role, string? Name, string Content, string? CreatedAt);

/// <summary>One page of a session's history; <see cref="NextCursor"/> is null after the last page.</summary>
public sealed record HistoryPage(string SessionId, IReadOnlyList<HistoryMessage> Messages, string? NextCursor, int TotalCount);

/// <summary>How many messages a session's thread holds (Zep's <c>total_count</c>).</summary>
public sealed record MessageCount(string SessionId, int Count);
