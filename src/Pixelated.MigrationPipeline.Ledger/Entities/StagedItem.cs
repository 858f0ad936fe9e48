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
    /// <summary>When the source last changed the item (mem0's <c>updated_at</c>, or the history event's time); null when never.</summary>
    public DateTimeOffset? UpdatedAt { get; set; }
    public int Sequence { get; set; }
    /// <summary>
    /// How the item differs from what earlier runs of this ledger migrated (a sync): new, changed, unchanged or deleted in
    /// the source; <see cref="ItemChange.None"/> until the item is planned, and for records that could not be read.
    /// </summary>
    public ItemChange Change { get; set; }
    /// <summary>
    /// The content version this run writes (memories): 0 for the first text migrated, whose keys are those a memory always
    /// had; 1, 2, ... for each later text, whose keys carry the version.
    /// </summary>
    public int Version { get; set; }
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

/// <summary>How a run's item compares with what earlier runs of the ledger migrated.</summary>
public enum ItemChange
{
    None = 0,
    /// <summary>No earlier run migrated it.</summary>
    New = 1,
    /// <summary>Migrated before with another text: a new version is written.</summary>
    Changed = 2,
    /// <summary>Migrated before with the same text: nothing is written.</summary>
    Unchanged = 3,
    /// <summary>Migrated before, and deleted in the source since (marked deleted, or absent from a full export).</summary>
    Deleted = 4,
}

public enum ItemStatus
{
    Staged = 0,
    Migrated = 1,
    Skipped = 2,
    Failed = 3,
}
