using Pixelated.ZepEmulator.Endpoints;
using Pixelated.ZepEmulator.Wire;

namespace Pixelated.ZepEmulator.Validation;

/// <summary>
/// Rules of one item of POST /batches/{batchId}/items (CONTRACT §5): type graph_episode or thread_message, metadata
/// (<see cref="MetadataRules"/>), an RFC3339 created_at; an episode follows the rules of graph add (data, data_type,
/// exactly one of user_id / graph_id, source_description and document_id lengths), a message those of thread messages
/// (thread_id, content ≤ 4096 characters, role).
/// </summary>
internal static class BatchItemRules
{
    public const int MaxContentChars = 4096;

    /// <returns>null when valid (then <paramref name="createdAt"/> is the parsed created_at, if any), else the detail
    /// of the 400 message.</returns>
    public static string? Check(BatchItemInput? input, out DateTimeOffset? createdAt)
    {
        createdAt = null;
        if (input is null)
        {
            return "item must be an object";
        }

        if (input.Type is not (BatchItemKinds.GraphEpisode or BatchItemKinds.ThreadMessage))
        {
            return "type must be graph_episode or thread_message";
        }

        if (MetadataRules.Check(input.Metadata) is { } metadataProblem)
        {
            return metadataProblem;
        }

        if (input.CreatedAt is not null)
        {
            if (!ZepJson.TryParseTime(input.CreatedAt, out var parsed))
            {
                return "created_at must be an RFC3339 timestamp";
            }

            createdAt = parsed;
        }

        return input.Type == BatchItemKinds.GraphEpisode ? CheckEpisode(input) : CheckMessage(input);
    }
    private static string? CheckEpisode(BatchItemInput input)
    {
        if (input.Data is null)
        {
            return "data is required for graph_episode items";
        }

        if (TextLength.CodePoints(input.Data) > GraphEndpoints.MaxDataChars)
        {
            return $"data exceeds {GraphEndpoints.MaxDataChars} characters";
        }

        if (input.DataType is null || !GraphEndpoints.DataTypes.Contains(input.DataType))
        {
            return "data_type must be one of text, json, message";
        }

        if (input.DataType == "json" && !GraphEndpoints.IsJson(input.Data))
        {
            return "data is not valid JSON";
        }

        if (string.IsNullOrEmpty(input.UserId) == string.IsNullOrEmpty(input.GraphId))
        {
            return "exactly one of user_id or graph_id is required for graph_episode items";
        }

        if (input.SourceDescription is not null && TextLength.CodePoints(input.SourceDescription) > GraphEndpoints.MaxSourceDescriptionChars)
        {
            return $"source_description must be at most {GraphEndpoints.MaxSourceDescriptionChars} characters";
        }

        if (input.DocumentId is not null
            && (input.DocumentId.Length == 0 || TextLength.CodePoints(input.DocumentId) > GraphEndpoints.MaxDocumentIdChars))
        {
            return $"document_id must be 1 to {GraphEndpoints.MaxDocumentIdChars} characters";
        }

        return null;
    }

    private static string? CheckMessage(BatchItemInput input)
    {
        if (string.IsNullOrEmpty(input.ThreadId))
        {
            return "thread_id is required for thread_message items";
        }

        if (input.Content is null)
        {
            return "content is required for thread_message items";
        }

        if (TextLength.CodePoints(input.Content) > MaxContentChars)
        {
            return $"message content exceeds {MaxContentChars} characters";
        }

        if (input.Role is null || !Roles.All.Contains(input.Role))
        {
            return $"invalid role type: {input.Role}";
        }

        return null;
    }
}
