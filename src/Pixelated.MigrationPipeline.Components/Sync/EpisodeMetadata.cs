using System.Text.Json.Nodes;

namespace Pixelated.MigrationPipeline.Components.Sync;

/// <summary>Reads the migration's own keys from an episode's metadata (<c>mem0_id</c>, <c>pxm_version</c>, <c>pxm_hash</c>...).</summary>
public static class EpisodeMetadata
{
    public static string? Text(JsonObject? metadata, string name) =>
        metadata is not null && metadata.TryGetPropertyValue(name, out var node) && node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>An integer written as a JSON number (or, from another writer, as a string); null when absent or not a number.</summary>
    public static int? Number(JsonObject? metadata, string name) =>
        metadata is not null && metadata.TryGetPropertyValue(name, out var node) && node is JsonValue v
            ? v.TryGetValue<int>(out var n) ? n : v.TryGetValue<double>(out var d) ? (int)d : v.TryGetValue<string>(out var s) && int.TryParse(s, out var p) ? p : null
            : null;

    /// <summary>The mem0 id of the item the episode carries.</summary>
    public static string? Mem0Id(JsonObject? metadata) => Text(metadata, "mem0_id");
}
