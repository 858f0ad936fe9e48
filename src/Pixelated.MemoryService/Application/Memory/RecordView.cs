using System.Text.Json;
using System.Text.Json.Nodes;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Application.Memory;

/// <summary>
/// A record as read back, live or migrated: its kind as stored, its episode, session (null for a migrated one), time, text
/// (the episode's <c>memory</c>) and the structured fields found in its <c>metadata</c> (a migrated record's are mem0's,
/// so each is whatever mem0 held, or null).
/// </summary>
public sealed record RecordView(
    string Kind,
    string RecordId,
    string? SessionId,
    string CreatedAt,
    string Text,
    JsonNode? Emotions,
    JsonNode? Context,
    JsonNode? Triggers,
    JsonNode? Goals,
    JsonNode? Interventions,
    JsonNode? ProgressMetrics,
    JsonNode? Duration)
{
    public static RecordView Of(ZepEpisode episode)
    {
        JsonObject? data = null;
        try { data = JsonNode.Parse(episode.Content) as JsonObject; }
        catch (JsonException) { }
        var fields = data?["metadata"] as JsonObject;
        var text = data?["memory"] is JsonValue memory && memory.TryGetValue<string>(out var m) ? m : episode.Content;
        return new RecordView(
            UserEpisodes.KindOf(episode) ?? "unknown",
            episode.Uuid,
            UserEpisodes.SessionOf(episode),
            episode.CreatedAt,
            text,
            Field(fields, "emotions"),
            Field(fields, "context"),
            Field(fields, "triggers"),
            Field(fields, "goals"),
            Field(fields, "interventions"),
            Field(fields, "progressMetrics", "progress_metrics"),
            Field(fields, "duration"));
    }

    private static JsonNode? Field(JsonObject? fields, params string[] names) =>
        names.Select(n => fields?[n]).FirstOrDefault(v => v is not null)?.DeepClone();
}
