using System.Text.Json;

namespace Pixelated.MigrationPipeline.Mem0.Model;

/// <summary>What one source record becomes in Zep: a graph episode or a thread message.</summary>
public enum SourceItemKind
{
    /// <summary>A mem0 memory (one extracted fact): a graph episode on the user's graph.</summary>
    Memory,
    /// <summary>A raw conversation message (history <c>input</c>, OSS <c>messages</c> table): a thread message.</summary>
    ConversationMessage,
}

/// <summary>
/// One memory or conversation message read from a mem0 export, in a format-independent shape.
/// Timestamps are normalised to UTC instants; ids are opaque strings.
/// </summary>
public sealed record SourceItem
{
    /// <summary>mem0 <c>user_id</c> this item belongs to.</summary>
    public required string UserId { get; init; }

    public required SourceItemKind Kind { get; init; }

    /// <summary>Stable id of the item in the source: the memory id, or for a message a key derived from its
    /// history row / memory id and its position (so the same message read twice gets the same id).</summary>
    public required string SourceId { get; init; }

    /// <summary>Memory text or message content. Health data: never log it.</summary>
    public required string Content { get; init; }

    /// <summary>The original creation instant, in UTC.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the source last changed the item, in UTC: mem0's <c>updated_at</c>/<c>updatedAt</c>, or for a memory read
    /// from a history the time of its last UPDATE or DELETE event; null when the source has none.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Conversation role as it appears in the source (<c>user</c>, <c>assistant</c>, <c>therapist</c>...); null for memories.</summary>
    public string? Role { get; init; }

    /// <summary>Speaker name of a message, when the source has one.</summary>
    public string? Name { get; init; }

    /// <summary>mem0 session / run id (a Zep thread for messages); null when none.</summary>
    public string? SessionId { get; init; }

    public string? AgentId { get; init; }

    public string? AppId { get; init; }

    /// <summary>Position of a message inside its conversation (for ordering); 0 for memories.</summary>
    public int Sequence { get; init; }

    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>The source's free-form metadata object, untouched; null when the source had none.</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary><c>expiration_date</c> when present.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Lifecycle state when the source marks the item as not live (one of <see cref="InactiveReasons"/>); null when live.</summary>
    public string? InactiveReason { get; init; }

    /// <summary>Where the item came from, for error messages and the ledger.</summary>
    public required SourcePosition Position { get; init; }
}

/// <summary>The values of <see cref="SourceItem.InactiveReason"/>: why a memory is not live in its source.</summary>
public static class InactiveReasons
{
    /// <summary>Deleted in the source: a history DELETE event, an OSS history row with <c>is_deleted</c>, OpenMemory state <c>deleted</c>.</summary>
    public const string Deleted = "deleted";

    /// <summary>Its <c>expiration_date</c> has passed.</summary>
    public const string Expired = "expired";

    /// <summary>OpenMemory state <c>archived</c>.</summary>
    public const string Archived = "archived";

    /// <summary>OpenMemory state <c>paused</c>.</summary>
    public const string Paused = "paused";
}

/// <summary>File and record position of a source record (never its content).</summary>
public sealed record SourcePosition(string File, long RecordIndex, long? ByteOffset = null)
{
    public override string ToString() => ByteOffset is { } b
        ? $"{File} record #{RecordIndex} (byte {b})"
        : $"{File} record #{RecordIndex}";
}
