using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Detection;

/// <summary>
/// The JSON rules of FORMATS.md §7, applied to the <see cref="JsonShape"/> of a file's start. A root object is matched
/// against <see cref="ObjectRules"/> in order, first match wins: envelope keys first (<c>kind</c> O7, <c>result.points</c> O6,
/// <c>user</c>+<c>memories</c> M1 json, <c>items</c>+<c>total</c> M3, <c>status</c>+<c>command</c>+<c>data</c> P8, P6
/// job/404/schema bodies), then a <c>results</c> envelope, classified by its first record's keys (<see cref="ResultsRules"/>:
/// history rows P5 / O3 / O4, camelCase P7 / O4, entity rows, Platform vs OSS keys); a root object that is itself a memory
/// is a single memory; any other object is a P6 structured export.
/// </summary>
internal static class JsonShapeRules
{
    private static readonly string[] RecordsPath = ["results"];

    /// <summary>Rules for a root object, in order; each returns null when it does not apply.</summary>
    private static readonly (string Name, Func<JsonShape, SniffResult?> Rule)[] ObjectRules =
    [
        // O7: the mem0_oss_qdrant_export artifact of scripts/oss-to-platform-migrate.sh.
        ("O7 qdrant migration export", s =>
            s.TopStrings.TryGetValue("kind", out var kind) && kind == "mem0_oss_qdrant_export"
                ? new SniffResult(ExportFormat.OssQdrantMigrationExport, ["records"])
                : null),

        // O6: a raw Qdrant scroll response {"result":{"points":[...]}}.
        ("O6 qdrant scroll", s =>
            !s.TopKeys.Contains("result") || (!s.QdrantPoints && s.TopKeys.Contains("results")) ? null
            : s.QdrantPoints ? new SniffResult(ExportFormat.OssQdrantScroll, ["result", "points"])
            : SniffResult.Unsupported("'result' holds no 'points' array (not a Qdrant scroll response)")),

        // M1/M2: the memories.json member of an OpenMemory backup.
        ("M1 openmemory backup json", s =>
            s.TopKeys.Contains("memories") && (s.TopKeys.Contains("user") || s.TopKeys.Contains("export_meta"))
                ? new SniffResult(ExportFormat.OpenMemoryBackupJson, ["memories"])
                : null),

        // M3: an OpenMemory REST listing page {"items","total",...}.
        ("M3 openmemory rest page", s =>
            HasAll(s.TopKeys, "items", "total") ? new SniffResult(ExportFormat.OpenMemoryRestPage, ["items"]) : null),

        // P8: the mem0 CLI envelope of `mem0 list -o json`.
        ("P8 cli envelope", s =>
            HasAll(s.TopKeys, "status", "command", "data")
                ? new SniffResult(ExportFormat.PlatformCliList, ["data"]) { Scope = s.ScopeStrings }
                : null),

        // Not a mem0 output at all: an OpenAPI document.
        ("openapi document", s =>
            s.TopKeys.Contains("openapi") || s.TopKeys.Contains("swagger")
                ? SniffResult.Unsupported("OpenAPI document, not a mem0 export")
                : null),

        // P6: the response to create_memory_export (only the job id).
        ("P6 export job response", s =>
            HasAll(s.TopKeys, "message", "id") && s.TopKeys.Count <= 3
            && s.TopStrings.TryGetValue("message", out var message) && message.Contains("export", StringComparison.OrdinalIgnoreCase)
                ? SniffResult.NoRecords(ExportFormat.PlatformStructuredExport,
                    "this is the response to create_memory_export (P6): it holds only the export job id; fetch the export, or better export with get_all (v3 /memories/ pages) instead")
                : null),

        // P6: the 'export not ready' body of get_memory_export; any other small error body is unsupported.
        ("P6 export not ready / error body", s =>
            !s.TopKeys.Contains("error") || s.TopKeys.Count > 2 ? null
            : s.TopStrings.TryGetValue("error", out var error) && error.Contains("export", StringComparison.OrdinalIgnoreCase)
                ? SniffResult.NoRecords(ExportFormat.PlatformStructuredExport,
                    "this is the 'export not ready' body of get_memory_export (P6), not an export; export with get_all (v3 /memories/ pages) instead")
                : SniffResult.Unsupported("API error body, not a mem0 export")),

        // P6: the JSON schema sent with a structured export request.
        ("P6 json schema", s =>
            (s.TopKeys.Contains("$defs") || s.TopKeys.Contains("$schema") || s.TopKeys.Contains("properties"))
            && s.TopKeys.Contains("type") && !s.TopKeys.Contains("results")
                ? SniffResult.NoRecords(ExportFormat.PlatformStructuredExport,
                    "this is a JSON schema (the request of a Platform structured export, P6), not an export; export with get_all (v3 /memories/ pages) instead")
                : null),

        // P2: the docs-only v1.1 nesting {"results":{"results":[...]}}.
        ("P2 nested results", s =>
            s.NestedResults ? new SniffResult(ExportFormat.PlatformLegacyList, ["results", "results"]) : null),

        // P1 / P2 / P3 / P4 / P5 / P7 / O1 / O3 / O4 / O5: a {"results":[...]} envelope, told apart by its first record.
        ("results envelope", s => s.TopKeys.Contains("results") ? ClassifyResults(s) : null),

        // A single memory (GET /v1/memories/{id}/, OSS Memory.get) or M3's single OpenMemory REST memory.
        ("single memory", s =>
            s.TopKeys.Contains("id") && (s.TopKeys.Contains("memory") || s.TopKeys.Contains("text"))
            && (s.TopKeys.Contains("created_at") || s.TopKeys.Contains("createdAt"))
                ? new SniffResult(HasAll(s.TopKeys, "text", "state") ? ExportFormat.OpenMemoryRestMemory : ExportFormat.SingleMemory, null)
                : null),

        // A records array under a known key, but none of the envelopes above.
        ("orphan records array", s =>
            s.RecordsPath is { Length: 1 } other && other[0] is "data" or "items" or "records" or "memories"
                ? SniffResult.Unsupported($"a '{other[0]}' array without the rest of a known mem0 envelope")
                : null),
    ];

    /// <summary>Rules for a <c>{"results":[...]}</c> envelope, in order, after the array and its first record were checked.</summary>
    private static readonly (string Name, Func<JsonShape, SniffResult?> Rule)[] ResultsRules =
    [
        // Platform GET /v1/entities/: users/agents/runs, no memories.
        ("entity list", s =>
            HasAll(s.FirstRecordKeys, "type", "name") && !s.FirstRecordKeys.Contains("memory")
                ? SniffResult.NoRecords(ExportFormat.PlatformEntityList,
                    "this is a Platform entity list (GET /v1/entities/): it names users/agents/runs but holds no memories; export each user's memories with get_all (v3 /memories/ pages)")
                : null),

        // P5 / O3 / O4: history rows.
        ("history rows", s => IsHistory(s.FirstRecordKeys) ? new SniffResult(HistoryFormat(s.FirstRecordKeys), RecordsPath) : null),

        // O4 (TS getAll, has hash, no count) or P7 (JS/TS SDK dump): camelCase records.
        ("camelCase records", s =>
            IsCamel(s.FirstRecordKeys)
                ? new SniffResult(
                    s.FirstRecordKeys.Contains("hash") && !s.TopKeys.Contains("count") ? ExportFormat.OssTypeScriptGetAll : ExportFormat.PlatformJsSdkDump,
                    RecordsPath)
                : null),

        // P1 (v3 page) or P2 (legacy paginated list): a page with a count.
        ("paginated page", s => s.TopKeys.Contains("count") ? new SniffResult(PageFormat(s), RecordsPath) : null),

        // P4 (with relations) or P3: SDK results with Platform keys.
        ("platform sdk results", s =>
            HasPlatformKeys(s.FirstRecordKeys)
                ? new SniffResult(s.TopKeys.Contains("relations") ? ExportFormat.PlatformGraphResults : ExportFormat.PlatformSdkResults, RecordsPath)
                : null),

        // O5 (server admin listing, every key present) or O1 (OSS Python get_all).
        ("oss results", s =>
            new SniffResult(
                HasAll(s.FirstRecordKeys, "user_id", "agent_id", "run_id", "hash", "expiration_date") ? ExportFormat.OssServerListing : ExportFormat.OssPythonGetAll,
                RecordsPath)),
    ];

    public static SniffResult Classify(JsonShape shape) => shape.Root switch
    {
        JsonTokenType.StartObject => ClassifyObject(shape),
        JsonTokenType.StartArray => ClassifyArray(shape),
        _ => SniffResult.Unsupported("top-level JSON value is neither an object nor an array"),
    };

    /// <summary>One record of a JSON Lines file: M1/M2 jsonl member, or one get_all record per line.</summary>
    public static SniffResult ClassifyJsonLine(HashSet<string> keys)
    {
        if (HasAll(keys, "content", "state"))
        {
            return new SniffResult(ExportFormat.OpenMemoryBackupJsonl, null);
        }

        if (HasAll(keys, "id", "memory"))
        {
            return new SniffResult(ExportFormat.MemoryJsonLines, null);
        }

        return SniffResult.Unsupported("JSON Lines whose records are not mem0 memories");
    }

    private static SniffResult ClassifyObject(JsonShape shape) =>
        FirstMatch(ObjectRules, shape)
        ?? SniffResult.NoRecords(ExportFormat.PlatformStructuredExport,
            "this JSON object holds no mem0 records: it is a Platform structured export (P6, get_memory_export) whose shape is defined by your schema, or unrelated JSON; export with get_all (v3 /memories/ pages) instead");

    private static SniffResult ClassifyResults(JsonShape shape)
    {
        if (shape.ResultsValue != JsonTokenType.StartArray)
        {
            return SniffResult.Unsupported("'results' is not an array");
        }

        if (shape.FirstRecord is not (JsonTokenType.StartObject or JsonTokenType.None))
        {
            return SniffResult.Unsupported("records are not JSON objects");
        }

        // The last rule always matches.
        return FirstMatch(ResultsRules, shape)!;
    }

    private static SniffResult ClassifyArray(JsonShape shape)
    {
        var r = shape.FirstRecordKeys;
        return shape.FirstRecord switch
        {
            // An empty list is a valid (empty) export; the record shape is the same for P2 and O2.
            JsonTokenType.None => new SniffResult(ExportFormat.PlatformLegacyList, []),
            JsonTokenType.StartObject when IsHistory(r) => new SniffResult(HistoryFormat(r), []),
            JsonTokenType.StartObject when IsCamel(r) && (r.Contains("memory") || r.Contains("id")) =>
                new SniffResult(r.Contains("hash") ? ExportFormat.OssTypeScriptGetAll : ExportFormat.PlatformJsSdkDump, []),
            JsonTokenType.StartObject when r.Contains("memory") || (r.Contains("id") && !r.Contains("name")) =>
                new SniffResult(HasPlatformKeys(r) ? ExportFormat.PlatformLegacyList : ExportFormat.OssPythonList, []),
            JsonTokenType.StartObject => SniffResult.Unsupported("array items are neither memories nor history rows"),
            _ => SniffResult.Unsupported("array items are not JSON objects"),
        };
    }

    private static SniffResult? FirstMatch((string Name, Func<JsonShape, SniffResult?> Rule)[] rules, JsonShape shape)
    {
        foreach (var (_, rule) in rules)
        {
            if (rule(shape) is { } result)
            {
                return result;
            }
        }

        return null;
    }

    /// <summary>P1 when the page URL, or the first record's keys, say v3 (or nothing says legacy); else P2.</summary>
    private static ExportFormat PageFormat(JsonShape shape)
    {
        var r = shape.FirstRecordKeys;
        var pageUrlIsV3 = shape.TopStrings.Values.Any(v => v.Contains("/v3/", StringComparison.Ordinal));
        var v3Keys = r.Contains("structured_attributes") || r.Contains("replaced_by") || r.Contains("synthesized");
        var legacyKeys = r.Contains("hash") || r.Contains("immutable") || r.Contains("owner") || r.Contains("organization") || r.Contains("input");
        return pageUrlIsV3 || v3Keys || !legacyKeys ? ExportFormat.PlatformV3Page : ExportFormat.PlatformLegacyList;
    }

    private static bool HasAll(HashSet<string> keys, params string[] wanted) => wanted.All(keys.Contains);

    private static bool IsHistory(HashSet<string> r) => r.Contains("memory_id") && (r.Contains("event") || r.Contains("action"));

    private static ExportFormat HistoryFormat(HashSet<string> r) =>
        r.Contains("input") && r.Contains("event") ? ExportFormat.PlatformHistory
        : r.Contains("action") || r.Contains("previous_value") ? ExportFormat.OssTypeScriptHistory
        : ExportFormat.OssPythonHistory;

    private static bool IsCamel(HashSet<string> r) => !r.Contains("created_at") && (r.Contains("createdAt") || r.Contains("userId"));

    private static bool HasPlatformKeys(HashSet<string> r) =>
        r.Contains("categories") || r.Contains("structured_attributes") || r.Contains("session_id")
        || r.Contains("app_id") || r.Contains("immutable") || r.Contains("owner") || r.Contains("synthesized");
}
