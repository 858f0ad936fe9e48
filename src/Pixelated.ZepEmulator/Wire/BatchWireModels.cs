using System.Text.Json;

namespace Pixelated.ZepEmulator.Wire;

// Batch API bodies (ApidataBatchSummary, ApidataBatchItemDetail, ... in zep-v3-openapi-subset.json).

internal sealed record BatchProgressBody(
    int TotalItems,
    int QueuedItems,
    int ProcessingItems,
    int SucceededItems,
    int FailedItems,
    int SkippedItems,
    int CanceledItems,
    double PercentComplete);

internal sealed record BatchSummaryBody(
    string BatchId,
    string Status,
    int ItemCount,
    BatchProgressBody Progress,
    IReadOnlyDictionary<string, JsonElement> Metadata,
    IReadOnlyList<string> IgnoreRoles,
    bool StrictOntology,
    string CreatedAt,
    string UpdatedAt,
    string? ProcessedAt,
    string? CompletedAt);

internal sealed record BatchItemBody(
    string ItemId,
    string Kind,
    string Status,
    int SequenceIndex,
    string EpisodeUuid,
    string SourceUuid,
    string? ThreadId,
    string? UserId,
    string? UserUuid,
    string? GraphId,
    string? GraphUuid,
    string? DocumentId,
    IReadOnlyDictionary<string, string>? Error,
    string CreatedAt,
    string UpdatedAt);

internal sealed record BatchItemListBody(IReadOnlyList<BatchItemBody> Items, int? NextCursor);

internal sealed record BatchListBody(IReadOnlyList<BatchSummaryBody> Batches, int? NextCursor);

internal sealed record BatchInvalidItemBody(
    string ItemId,
    int SequenceIndex,
    string SourceUuid,
    string? ThreadId,
    string? UserId,
    string? GraphId,
    string Reason);

/// <summary>400 of <c>process</c> (ApidataBatchInvalidReferencesError), with the usual request_id.</summary>
internal sealed record BatchInvalidReferencesBody(
    string Code,
    string Message,
    IReadOnlyList<BatchInvalidItemBody> InvalidItems,
    string RequestId);

internal static class BatchWireMapper
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoMetadata = new Dictionary<string, JsonElement>();

    public static BatchSummaryBody ToBody(this StoredBatch batch, BatchProgress progress) => new(
        batch.BatchId,
        batch.Status,
        batch.ItemCount,
        new BatchProgressBody(
            progress.TotalItems,
            progress.QueuedItems,
            progress.ProcessingItems,
            progress.SucceededItems,
            progress.FailedItems,
            progress.SkippedItems,
            progress.CanceledItems,
            progress.PercentComplete),
        batch.Metadata ?? NoMetadata,
        batch.IgnoreRoles ?? [],
        batch.StrictOntology,
        ZepJson.FormatTime(batch.CreatedAt),
        ZepJson.FormatTime(batch.UpdatedAt),
        batch.ProcessedAt is { } processed ? ZepJson.FormatTime(processed) : null,
        batch.CompletedAt is { } completed ? ZepJson.FormatTime(completed) : null);

    /// <summary>user_id of a thread message is its thread's owner; user_uuid/graph_uuid are filled when the user exists.</summary>
    public static BatchItemBody ToBody(this StoredBatchItem item, EmulatorStore store)
    {
        var userId = item.Kind == BatchItemKinds.ThreadMessage
            ? store.GetThread(item.ThreadId ?? string.Empty)?.UserId
            : item.UserId;
        var user = userId is null ? null : store.GetUser(userId);
        return new BatchItemBody(
            item.ItemId,
            item.Kind,
            item.Status,
            item.SequenceIndex,
            item.SourceUuid,
            item.SourceUuid,
            item.ThreadId,
            userId,
            user?.Uuid,
            item.GraphId,
            user?.GraphUuid,
            item.DocumentId,
            item.ErrorCode is null ? null : new Dictionary<string, string> { ["code"] = item.ErrorCode, ["message"] = item.ErrorMessage ?? string.Empty },
            ZepJson.FormatTime(item.AddedAt),
            ZepJson.FormatTime(item.UpdatedAt));
    }

    public static BatchInvalidItemBody ToBody(this BatchInvalidItem invalid) => new(
        invalid.Item.ItemId,
        invalid.Item.SequenceIndex,
        invalid.Item.SourceUuid,
        invalid.Item.ThreadId,
        invalid.Item.UserId,
        invalid.Item.GraphId,
        invalid.Reason);
}
