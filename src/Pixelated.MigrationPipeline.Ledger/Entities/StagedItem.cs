namespace Pixelated.MigrationPipeline.Ledger.Entities;

/// <summary>One source record of a run: a memory, a conversation message, or a record that could not be read.</summary>
public sealed class StagedItem
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    /// <summary>mem0 user id; empty when the record's user could not be read.</summary>
    public string UserKey { get; set; } = "";
    /// <summary>Stable key of the item in the source (kind + source id), unique per run.</summary>
    public string ItemKey { get; set; } = "";
    public StagedItemKind Kind { get; set; }
    public ItemStatus Status { get; set; }
    /// <summary>Why the item was skipped or failed; names files, positions and fields, never content.</summary>
    public string? Reason { get; set; }
    public string SourceFile { get; set; } = "";
    public long RecordIndex { get; set; }
    public string? SessionId { get; set; }
    public string? Role { get; set; }
    /// <summary>The speaker's name (a person's name): purged with the content.</summary>
    public string? Name { get; set; }
    /// <summary>The payload (health data), purged once the user is verified (unless <c>Ledger:RetainContent</c>) or by <c>purge</c>.</summary>
    public string? Content { get; set; }
    /// <summary>SHA-256 of the content (hex), kept after the payload is purged.</summary>
    public string ContentHash { get; set; } = "";
    public DateTimeOffset? CreatedAt { get; set; }
    public int Sequence { get; set; }
    /// <summary>mem0 categories (may name a condition): purged with the content.</summary>
    public string? CategoriesJson { get; set; }
    /// <summary>mem0 metadata (free text, may hold health data): purged with the content.</summary>
    public string? MetadataJson { get; set; }
}

public enum StagedItemKind
{
    Memory = 0,
    ConversationMessage = 1,
    Unreadable = 2,
}

public enum ItemStatus
{
    Staged = 0,
    Migrated = 1,
    Skipped = 2,
    Failed = 3,
}
