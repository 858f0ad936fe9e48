using System.Text.Json.Nodes;

namespace Pixelated.MigrationPipeline.Zep.Api;

// Wire shapes of the Batch API (CONTRACT §5). JSON is snake_case (ZepJson.Options).

public sealed record CreateBatchRequest(JsonObject? Metadata = null);

/// <summary>One element of <c>items</c> in <c>POST /batches/{id}/items</c>: a graph episode or a thread message.</summary>
public sealed record BatchAddItem(
    string Type,
    JsonObject? Metadata = null,
    string? CreatedAt = null,
    string? Data = null,
    string? DataType = null,
    string? UserId = null,
    string? SourceDescription = null,
    string? ThreadId = null,
    string? Content = null,
    string? Role = null,
    string? Name = null)
{
    public const string GraphEpisode = "graph_episode";
    public const string ThreadMessage = "thread_message";

    /// <summary>The batch form of a <c>graph.add</c> to a user's graph.</summary>
    public static BatchAddItem Episode(AddDataRequest request) => new(
        GraphEpisode, request.Metadata, request.CreatedAt,
        Data: request.Data, DataType: request.Type, UserId: request.UserId, SourceDescription: request.SourceDescription);

    /// <summary>The batch form of one message of an add-messages call.</summary>
    public static BatchAddItem Message(string threadId, ZepMessage message) => new(
        ThreadMessage, message.Metadata, message.CreatedAt,
        ThreadId: threadId, Content: message.Content, Role: message.Role, Name: message.Name);
}

public sealed record AddBatchItemsRequest(IReadOnlyList<BatchAddItem> Items);

public sealed record BatchProgress(
    int TotalItems, int QueuedItems, int ProcessingItems, int SucceededItems, int FailedItems, int SkippedItems, int CanceledItems,
    double PercentComplete);

public sealed record BatchSummary(
    string BatchId,
    string Status,
    int ItemCount,
    BatchProgress? Progress = null,
    string? CreatedAt = null,
    string? ProcessedAt = null,
    string? CompletedAt = null,
    JsonObject? Metadata = null)
{
    public const string Draft = "draft";
    public const string Invalid = "invalid";

    /// <summary>Processing is over: every item has its final status.</summary>
    public bool IsTerminal => Status is "succeeded" or "partial" or "failed" or "canceled";
}

/// <summary>BatchItemDetail. <c>episode_uuid</c> (= <c>source_uuid</c>) is the uuid the episode or message gets in Zep.</summary>
public sealed record BatchItemDetail(
    string? ItemId,
    string? Kind,
    string Status,
    int SequenceIndex,
    string? EpisodeUuid = null,
    string? SourceUuid = null,
    string? ThreadId = null,
    string? UserId = null,
    JsonNode? Error = null)
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    public string? ZepUuid => EpisodeUuid ?? SourceUuid;

    /// <summary>The error's code (never its message, which can echo ids), reduced to a safe token.</summary>
    public string? ErrorCode
    {
        get
        {
            var code = Error switch
            {
                JsonObject o when o.TryGetPropertyValue("code", out var c) && c is JsonValue v && v.TryGetValue<string>(out var s) => s,
                JsonValue v when v.TryGetValue<string>(out _) => "error",
                null => null,
                _ => "error",
            };
            if (code is null) return null;
            var safe = new string(code.Where(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-').Take(40).ToArray());
            return safe.Length == 0 ? "error" : safe;
        }
    }
}

public sealed record BatchListPage(IReadOnlyList<BatchSummary> Batches, int? NextCursor);

public sealed record BatchItemPage(IReadOnlyList<BatchItemDetail> Items, int? NextCursor);

/// <summary>The 400 of <c>process</c> when items reference users/threads that do not exist.</summary>
public sealed record BatchInvalidBody(string? Code, string? Message);

public enum BatchProcessOutcome
{
    /// <summary>Zep accepted the batch for processing.</summary>
    Started,
    /// <summary>409: the batch was processed before (a retry of an earlier process call) — fine.</summary>
    AlreadyProcessed,
    /// <summary>400 <c>invalid_batch</c>: the batch references users or threads that do not exist; nothing was applied.</summary>
    Invalid,
}
