using System.Text.Json.Nodes;

namespace Pixelated.MemoryService.Application;

/// <summary>
/// Metadata keys the service and the migration own: idempotency keys, kinds, roles, status, provenance, session ids.
/// A caller's metadata can neither set nor override them (400 naming <c>metadata.KEY</c>); they are also hidden from the
/// metadata a caller reads back as "theirs".
/// </summary>
public static class ReservedMetadata
{
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "role", "status", "source", "migrated_by", "kind", "session_id", "record_id",
    };

    /// <summary>Prefixes of the migration's and the service's own keys (<c>pxm_key</c>, <c>mem0_kind</c>, <c>mem0_role</c>...).</summary>
    public static readonly IReadOnlyList<string> Prefixes = ["pxm_", "mem0_"];

    public static bool IsReserved(string key) =>
        Keys.Contains(key) || Prefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>The first reserved key of a caller's metadata, or null when it has none.</summary>
    public static string? FirstReservedKey(JsonObject? metadata) =>
        metadata?.Select(p => p.Key).FirstOrDefault(IsReserved);

    /// <summary>The caller-owned part of stored metadata (every reserved key removed).</summary>
    public static JsonObject CallerPart(JsonObject? stored)
    {
        var result = new JsonObject();
        foreach (var (key, value) in stored ?? [])
            if (!IsReserved(key)) result[key] = value?.DeepClone();
        return result;
    }
}
