using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pixelated.MigrationPipeline.Zep.Api;

// Wire shapes of the Zep Cloud v3 contract (CONTRACT.md), only what the pipeline needs. JSON is snake_case.

public sealed record CreateUserRequest(string UserId, JsonObject? Metadata = null, string? FirstName = null, string? LastName = null, string? Email = null);

public sealed record ZepUser(string? Uuid, string UserId, JsonObject? Metadata, string? CreatedAt,
    string? Email = null, string? FirstName = null, string? LastName = null);

/// <summary>PATCH /users/{userId}: the fields given replace Zep's (null fields are left out, so they stay as they are).</summary>
public sealed record UpdateUserRequest(JsonObject? Metadata = null, string? FirstName = null, string? LastName = null, string? Email = null);

public sealed record CreateThreadRequest(string ThreadId, string UserId);

public sealed record ZepThread(string? Uuid, string ThreadId, string UserId, string? CreatedAt);

public sealed record ZepMessage(
    string Content,
    string Role,
    string? Name = null,
    string? CreatedAt = null,
    JsonObject? Metadata = null,
    string? Uuid = null);

public sealed record AddMessagesRequest(IReadOnlyList<ZepMessage> Messages);

public sealed record AddMessagesResponse(IReadOnlyList<string> MessageUuids, string? TaskId);

/// <summary>A whole thread as read back: its owner (<c>user_id</c>) and its messages, oldest first.</summary>
public sealed record ThreadMessages(string? UserId, IReadOnlyList<ZepMessage> Messages);

public sealed record ThreadMessagesResponse(IReadOnlyList<ZepMessage> Messages, int RowCount, int TotalCount, string? UserId);

public sealed record AddDataRequest(
    string Data,
    string Type,
    string UserId,
    string? CreatedAt = null,
    JsonObject? Metadata = null,
    string? SourceDescription = null);

/// <summary>One episode of the deprecated <c>POST /graph-batch</c> (graph.addBatch): graph.add's per-episode fields.</summary>
public sealed record EpisodeData(string Data, string Type, string? CreatedAt = null, JsonObject? Metadata = null, string? SourceDescription = null)
{
    public static EpisodeData From(AddDataRequest r) => new(r.Data, r.Type, r.CreatedAt, r.Metadata, r.SourceDescription);
}

/// <summary>Body of <c>POST /graph-batch</c>: up to 20 episodes into one user's graph.</summary>
public sealed record AddDataBatchRequest(IReadOnlyList<EpisodeData> Episodes, string UserId);

public sealed record ZepEpisode(string Uuid, string Content, string CreatedAt, string? Source, JsonObject? Metadata);

public sealed record EpisodeListRequest(int? Limit = null, string? Cursor = null, string? OrderBy = null, string? Direction = null);

public sealed record ZepErrorBody(string? Message, string? RequestId);

public static class ZepJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>One page of a user's episodes and the cursor of the next (null after the last page).</summary>
public sealed record EpisodePage(IReadOnlyList<ZepEpisode> Episodes, string? NextCursor);
