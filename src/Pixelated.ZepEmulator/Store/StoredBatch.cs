using System.Text.Json;

namespace Pixelated.ZepEmulator;

/// <summary>Status values of a batch (ModelsBatchStatus).</summary>
public static class BatchStatuses
{
    public const string Draft = "draft";
    public const string Invalid = "invalid";
    public const string Queued = "queued";
    public const string Processing = "processing";
    public const string Succeeded = "succeeded";
    public const string Partial = "partial";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    public static IReadOnlySet<string> All { get; } =
        new HashSet<string>([Draft, Invalid, Queued, Processing, Succeeded, Partial, Failed, Canceled], StringComparer.Ordinal);
}

/// <summary>Status values of a batch item (ModelsBatchItemStatus).</summary>
public static class BatchItemStatuses
{
    public const string Pending = "pending";
    public const string Queued = "queued";
    public const string Processing = "processing";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    public const string Canceled = "canceled";

    public static IReadOnlySet<string> All { get; } =
        new HashSet<string>([Pending, Queued, Processing, Succeeded, Failed, Skipped, Canceled], StringComparer.Ordinal);
}

/// <summary>Item kinds of the Batch API (ModelsBatchItemKind).</summary>
public static class BatchItemKinds
{
    public const string GraphEpisode = "graph_episode";
    public const string ThreadMessage = "thread_message";
}

/// <summary>A Batch API batch as the emulator keeps it (immutable snapshot).</summary>
public sealed record StoredBatch
{
    public required string BatchId { get; init; }

    /// <summary>One of <see cref="BatchStatuses"/>.</summary>
    public required string Status { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }
    public IReadOnlyList<string>? IgnoreRoles { get; init; }
    public bool StrictOntology { get; init; }
    public int ItemCount { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When <c>process</c> was accepted.</summary>
    public DateTimeOffset? ProcessedAt { get; init; }

    /// <summary>When the last item was done (succeeded, partial or failed).</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Creation sequence number (list order and list cursor).</summary>
    public long Sequence { get; init; }
}

/// <summary>One item of a batch (immutable snapshot). Which payload fields are set depends on <see cref="Kind"/>.</summary>
public sealed record StoredBatchItem
{
    public required string ItemId { get; init; }
    public required string BatchId { get; init; }

    /// <summary><see cref="BatchItemKinds.GraphEpisode"/> or <see cref="BatchItemKinds.ThreadMessage"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>One of <see cref="BatchItemStatuses"/>.</summary>
    public required string Status { get; init; }

    /// <summary>0-based position in the batch (insertion order).</summary>
    public required int SequenceIndex { get; init; }

    /// <summary>Generated when the item is added; becomes the episode's or message's uuid (episode_uuid = source_uuid).</summary>
    public required string SourceUuid { get; init; }

    // graph_episode
    public string? Data { get; init; }
    public string? DataType { get; init; }
    public string? UserId { get; init; }
    public string? GraphId { get; init; }
    public string? SourceDescription { get; init; }
    public string? DocumentId { get; init; }

    // thread_message
    public string? ThreadId { get; init; }
    public string? Content { get; init; }
    public string? Role { get; init; }
    public string? Name { get; init; }

    // both
    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    /// <summary>The caller's <c>created_at</c> (when the content happened); null = dated when the item is applied.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When the item was added to the batch (the item's <c>created_at</c> on the wire).</summary>
    public required DateTimeOffset AddedAt { get; init; }

    /// <summary>Last status change (the item's <c>updated_at</c> on the wire).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
}

/// <summary>Progress counters of a batch (ApidataBatchProgress).</summary>
public sealed record BatchProgress(
    int TotalItems,
    int QueuedItems,
    int ProcessingItems,
    int SucceededItems,
    int FailedItems,
    int SkippedItems,
    int CanceledItems,
    double PercentComplete);

/// <summary>An item that references a user or thread that does not exist when <c>process</c> is called.</summary>
public sealed record BatchInvalidItem(StoredBatchItem Item, string Reason);
