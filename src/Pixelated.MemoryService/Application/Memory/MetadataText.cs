using System.Text.Json.Nodes;

namespace Pixelated.MemoryService.Application.Memory;

/// <summary>Reads a string out of Zep metadata without trusting its shape (migrated metadata is mem0's).</summary>
public static class MetadataText
{
    public static string? Of(JsonObject? metadata, string key) =>
        metadata?[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
