using System.Text.Json;

namespace Pixelated.MigrationPipeline.Components.Conversion;

/// <summary>Structured memory kinds the platform stored (emotional state, treatment plan, summaries...): sent as JSON episodes.</summary>
public static class MemoryKind
{
    private static readonly HashSet<string> Structured =
        ["emotional_state", "treatment_plan", "session_summary", "summary", "insights", "traits"];

    private static readonly string[] MetadataKeys = ["type", "kind", "memory_type", "category"];

    /// <summary>The structured kind of a memory from its metadata or categories, or null for a plain text memory.</summary>
    public static string? Detect(IReadOnlyList<string> categories, string? metadataJson)
    {
        if (metadataJson is not null)
        {
            using var doc = JsonDocument.Parse(metadataJson);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var key in MetadataKeys)
                {
                    if (doc.RootElement.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String
                        && Normalise(v.GetString()!) is var kind && Structured.Contains(kind))
                        return kind;
                }
            }
        }
        return categories.Select(Normalise).FirstOrDefault(Structured.Contains);
    }

    private static string Normalise(string value) => value.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
}
