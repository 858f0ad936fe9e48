using System.Text.Json;

namespace Pixelated.ZepEmulator.Wire;

// Response bodies (names become snake_case through ZepJson.Options). Field sets follow
// zep-v3-openapi-subset.json / zep-v3-wire-fields.json.

internal sealed record UserBody(
    string Uuid,
    string UserId,
    long Id,
    string ProjectUuid,
    string GraphUuid,
    string? Email,
    string? FirstName,
    string? LastName,
    IReadOnlyDictionary<string, JsonElement>? Metadata,
    string CreatedAt,
    string UpdatedAt,
    int SessionCount,
    bool DisableDefaultOntology,
    string? TimeZone);

internal sealed record UserListBody(IReadOnlyList<UserBody> Users, int TotalCount, int RowCount);

internal sealed record ThreadBody(
    string Uuid,
    string ThreadId,
    string UserId,
    string UserUuid,
    string ProjectUuid,
    string GraphUuid,
    string CreatedAt);

internal sealed record ThreadListBody(IReadOnlyList<ThreadBody> Threads, int ResponseCount, int TotalCount);

internal sealed record MessageBody(
    string Uuid,
    string CreatedAt,
    string Role,
    string Name,
    string Content,
    IReadOnlyDictionary<string, JsonElement> Metadata,
    bool Processed);

internal sealed record MessageListBody(
    IReadOnlyList<MessageBody> Messages,
    int RowCount,
    int TotalCount,
    string ThreadCreatedAt,
    string UserId,
    string UserUuid);

/// <summary><c>context</c> is left out unless <c>return_context</c> was true (the schema types it as a string, not null).</summary>
internal sealed record AddMessagesBody(IReadOnlyList<string> MessageUuids, string TaskId, string? Context);

internal sealed record EpisodeBody(
    string Uuid,
    string Content,
    string CreatedAt,
    string Source,
    string SourceDescription,
    IReadOnlyDictionary<string, JsonElement> Metadata,
    bool Processed,
    string? DocumentId,
    string? TaskId = null);

internal sealed record EpisodeListBody(IReadOnlyList<EpisodeBody> Episodes);

internal sealed record MessageOnlyBody(string Message);
