using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pixelated.MigrationPipeline.Mem0.Detection;
using Pixelated.MigrationPipeline.Mem0.Model;
using Pixelated.MigrationPipeline.Mem0.Reading;

namespace Pixelated.MigrationPipeline.Mem0;

/// <summary>
/// Detects the mem0 export format of a file (FORMATS.md §7) from its first 64 KB (decompressed for gzip), plus the
/// central directory of a zip and the table list of a SQLite file. See <see cref="Classify"/> for the JSON rules.
/// </summary>
public static class Mem0FormatDetector
{
    internal const int SniffBytes = 64 * 1024;

    private static readonly string[] RecordsPath = ["results"];

    public static async Task<ExportFormat> DetectAsync(string path, CancellationToken ct = default) =>
        (await SniffAsync(path, ct).ConfigureAwait(false)).Format;

    /// <summary>Sniffs a file. Throws only for I/O problems (missing file, access denied).</summary>
    internal static async Task<SniffResult> SniffAsync(string path, CancellationToken ct)
    {
        var (prefix, whole) = await ReadPrefixAsync(path, gzip: false, ct).ConfigureAwait(false);
        var span = prefix.AsSpan();
        if (span.StartsWith("PK\u0003\u0004"u8) || span.StartsWith("PK\u0005\u0006"u8))
        {
            return SniffZip(path);
        }

        if (span.StartsWith("SQLite format 3\0"u8))
        {
            return SniffSqlite(path);
        }

        if (span.Length >= 2 && span[0] == 0x1F && span[1] == 0x8B)
        {
            try
            {
                var (inner, innerWhole) = await ReadPrefixAsync(path, gzip: true, ct).ConfigureAwait(false);
                if (inner.Length == 0)
                {
                    return SniffResult.Unsupported("gzip file is empty");
                }

                var innerName = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
                return Sniff(inner, innerWhole, Path.GetFileName(innerName)) with { Gzip = true };
            }
            catch (InvalidDataException)
            {
                return SniffResult.Unsupported("gzip stream is corrupt");
            }
        }

        return Sniff(span, whole, Path.GetFileName(path));
    }

    private static async Task<(byte[] Prefix, bool Whole)> ReadPrefixAsync(string path, bool gzip, CancellationToken ct)
    {
        var buffer = new byte[SniffBytes];
        var length = 0;
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
        Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        await using (stream.ConfigureAwait(false))
        {
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            var whole = length < buffer.Length || (!gzip && file.Position == file.Length);
            return (buffer[..length], whole);
        }
    }

    internal static SniffResult Sniff(ReadOnlySpan<byte> prefix, bool isWholeFile, string fileName = "")
    {
        if (prefix.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            prefix = prefix[3..];
        }

        var trimmed = prefix.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            return SniffResult.Unsupported(prefix.IsEmpty ? "file is empty" : "file is empty (whitespace only)");
        }

        if (fileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            return SniffResult.Unsupported("file name ends in .gz but the content is not gzip");
        }

        if (trimmed.StartsWith("PK\u0003\u0004"u8))
        {
            return SniffResult.Unsupported("zip archive inside a compressed file, not supported");
        }

        if (LooksBinary(trimmed))
        {
            return SniffResult.Unsupported("binary data, not a text export");
        }

        var text = trimmed[..Math.Min(trimmed.Length, 4096)];
        if (StartsWithLine(text, "---"u8))
        {
            return HasFrontMatterId(trimmed)
                ? new SniffResult(ExportFormat.PlatformPluginMarkdown, null)
                : SniffResult.Unsupported("Markdown/YAML front matter without an 'id:' key, not a mem0 plugin export");
        }

        if (StartsWithAny(text, "BEGIN TRANSACTION", "PRAGMA", "CREATE TABLE", "INSERT INTO"))
        {
            var all = Encoding.UTF8.GetString(trimmed);
            return all.Contains("history", StringComparison.OrdinalIgnoreCase) || all.Contains("messages", StringComparison.OrdinalIgnoreCase)
                ? new SniffResult(ExportFormat.OssHistorySqlDump, null)
                : SniffResult.Unsupported("SQL text without mem0 history/messages tables");
        }

        if (trimmed[0] == (byte)'<')
        {
            return SniffResult.Unsupported("XML/HTML document, not a mem0 export");
        }

        var shape = JsonShape.Read(prefix, isWholeFile);
        if (shape.Root == JsonTokenType.None || (shape.Invalid && shape.Root is not (JsonTokenType.StartObject or JsonTokenType.StartArray)))
        {
            return SniffResult.Unsupported(LooksLikeCsv(text) ? "CSV text, not a mem0 export" : "file does not start with valid JSON");
        }

        var jsonLines = fileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);
        if (shape.Root == JsonTokenType.StartObject && (shape.MoreValuesFollow || jsonLines))
        {
            return ClassifyJsonLine(shape.TopKeys);
        }

        return Classify(shape);
    }

    private static SniffResult ClassifyJsonLine(HashSet<string> keys)
    {
        if (keys.Contains("content") && keys.Contains("state"))
        {
            return new SniffResult(ExportFormat.OpenMemoryBackupJsonl, null);
        }

        if (keys.Contains("id") && keys.Contains("memory"))
        {
            return new SniffResult(ExportFormat.MemoryJsonLines, null);
        }

        return SniffResult.Unsupported("JSON Lines whose records are not mem0 memories");
    }

    /// <summary>
    /// JSON rules (FORMATS.md §7): envelope keys first (<c>kind</c> O7, <c>result.points</c> O6, <c>user</c>+<c>memories</c>
    /// M1 json, <c>items</c>+<c>total</c> M3, <c>status</c>+<c>command</c>+<c>data</c> P8, P6 job/404/schema bodies), then the
    /// first record's keys: history rows (P5 / O3 / O4), camelCase (P7 / O4), entity rows, Platform vs OSS keys; a root
    /// object that is itself a memory is a single memory; any other object is a P6 structured export.
    /// </summary>
    internal static SniffResult Classify(JsonShape shape)
    {
        return shape.Root switch
        {
            JsonTokenType.StartObject => ClassifyObject(shape),
            JsonTokenType.StartArray => ClassifyArray(shape),
            _ => SniffResult.Unsupported("top-level JSON value is neither an object nor an array"),
        };
    }

    private static SniffResult ClassifyObject(JsonShape shape)
    {
        var t = shape.TopKeys;
        var r = shape.FirstRecordKeys;
        if (shape.TopStrings.TryGetValue("kind", out var kind) && kind == "mem0_oss_qdrant_export")
        {
            return new SniffResult(ExportFormat.OssQdrantMigrationExport, ["records"]);
        }

        if (t.Contains("result") && (shape.QdrantPoints || !t.Contains("results")))
        {
            return shape.QdrantPoints
                ? new SniffResult(ExportFormat.OssQdrantScroll, ["result", "points"])
                : SniffResult.Unsupported("'result' holds no 'points' array (not a Qdrant scroll response)");
        }

        if (t.Contains("memories") && (t.Contains("user") || t.Contains("export_meta")))
        {
            return new SniffResult(ExportFormat.OpenMemoryBackupJson, ["memories"]);
        }

        if (t.Contains("items") && t.Contains("total"))
        {
            return new SniffResult(ExportFormat.OpenMemoryRestPage, ["items"]);
        }

        if (t.Contains("status") && t.Contains("command") && t.Contains("data"))
        {
            return new SniffResult(ExportFormat.PlatformCliList, ["data"]) { Scope = shape.ScopeStrings };
        }

        if (t.Contains("openapi") || t.Contains("swagger"))
        {
            return SniffResult.Unsupported("OpenAPI document, not a mem0 export");
        }

        if (t.Contains("message") && t.Contains("id") && t.Count <= 3
            && shape.TopStrings.TryGetValue("message", out var message) && message.Contains("export", StringComparison.OrdinalIgnoreCase))
        {
            return SniffResult.NoRecords(ExportFormat.PlatformStructuredExport,
                "this is the response to create_memory_export (P6): it holds only the export job id; fetch the export, or better export with get_all (v3 /memories/ pages) instead");
        }

        if (t.Contains("error") && t.Count <= 2)
        {
            return shape.TopStrings.TryGetValue("error", out var error) && error.Contains("export", StringComparison.OrdinalIgnoreCase)
                ? SniffResult.NoRecords(ExportFormat.PlatformStructuredExport,
                    "this is the 'export not ready' body of get_memory_export (P6), not an export; export with get_all (v3 /memories/ pages) instead")
                : SniffResult.Unsupported("API error body, not a mem0 export");
        }

        if ((t.Contains("$defs") || t.Contains("$schema") || t.Contains("properties")) && t.Contains("type") && !t.Contains("results"))
        {
            return SniffResult.NoRecords(ExportFormat.PlatformStructuredExport,
                "this is a JSON schema (the request of a Platform structured export, P6), not an export; export with get_all (v3 /memories/ pages) instead");
        }

        if (shape.NestedResults)
        {
            return new SniffResult(ExportFormat.PlatformLegacyList, ["results", "results"]);
        }

        if (t.Contains("results"))
        {
            if (shape.ResultsValue != JsonTokenType.StartArray)
            {
                return SniffResult.Unsupported("'results' is not an array");
            }

            if (shape.FirstRecord is not (JsonTokenType.StartObject or JsonTokenType.None))
            {
                return SniffResult.Unsupported("records are not JSON objects");
            }

            if (r.Contains("type") && r.Contains("name") && !r.Contains("memory"))
            {
                return SniffResult.NoRecords(ExportFormat.PlatformEntityList,
                    "this is a Platform entity list (GET /v1/entities/): it names users/agents/runs but holds no memories; export each user's memories with get_all (v3 /memories/ pages)");
            }

            if (IsHistory(r))
            {
                return new SniffResult(HistoryFormat(r), RecordsPath);
            }

            if (IsCamel(r))
            {
                return new SniffResult(r.Contains("hash") && !t.Contains("count") ? ExportFormat.OssTypeScriptGetAll : ExportFormat.PlatformJsSdkDump, RecordsPath);
            }

            if (t.Contains("count"))
            {
                var pageUrlIsV3 = shape.TopStrings.Values.Any(v => v.Contains("/v3/", StringComparison.Ordinal));
                var v3Keys = r.Contains("structured_attributes") || r.Contains("replaced_by") || r.Contains("synthesized");
                var legacyKeys = r.Contains("hash") || r.Contains("immutable") || r.Contains("owner") || r.Contains("organization") || r.Contains("input");
                var format = pageUrlIsV3 || v3Keys || !legacyKeys ? ExportFormat.PlatformV3Page : ExportFormat.PlatformLegacyList;
                return new SniffResult(format, RecordsPath);
            }

            if (HasPlatformKeys(r))
            {
                return new SniffResult(t.Contains("relations") ? ExportFormat.PlatformGraphResults : ExportFormat.PlatformSdkResults, RecordsPath);
            }

            var server = r.Contains("user_id") && r.Contains("agent_id") && r.Contains("run_id") && r.Contains("hash") && r.Contains("expiration_date");
            return new SniffResult(server ? ExportFormat.OssServerListing : ExportFormat.OssPythonGetAll, RecordsPath);
        }

        if (t.Contains("id") && (t.Contains("memory") || t.Contains("text")) && (t.Contains("created_at") || t.Contains("createdAt")))
        {
            return new SniffResult(t.Contains("text") && t.Contains("state") ? ExportFormat.OpenMemoryRestMemory : ExportFormat.SingleMemory, null);
        }

        if (shape.RecordsPath is { Length: 1 } other && other[0] is "data" or "items" or "records" or "memories")
        {
            return SniffResult.Unsupported($"a '{other[0]}' array without the rest of a known mem0 envelope");
        }

        return SniffResult.NoRecords(ExportFormat.PlatformStructuredExport,
            "this JSON object holds no mem0 records: it is a Platform structured export (P6, get_memory_export) whose shape is defined by your schema, or unrelated JSON; export with get_all (v3 /memories/ pages) instead");
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

    private static bool IsHistory(HashSet<string> r) => r.Contains("memory_id") && (r.Contains("event") || r.Contains("action"));

    private static ExportFormat HistoryFormat(HashSet<string> r) =>
        r.Contains("input") && r.Contains("event") ? ExportFormat.PlatformHistory
        : r.Contains("action") || r.Contains("previous_value") ? ExportFormat.OssTypeScriptHistory
        : ExportFormat.OssPythonHistory;

    private static bool IsCamel(HashSet<string> r) => !r.Contains("created_at") && (r.Contains("createdAt") || r.Contains("userId"));

    private static bool HasPlatformKeys(HashSet<string> r) =>
        r.Contains("categories") || r.Contains("structured_attributes") || r.Contains("session_id")
        || r.Contains("app_id") || r.Contains("immutable") || r.Contains("owner") || r.Contains("synthesized");

    private static SniffResult SniffZip(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var names = zip.Entries.Select(e => Path.GetFileName(e.FullName)).ToHashSet(StringComparer.Ordinal);
            if (names.Contains(OpenMemoryZip.JsonMember) || names.Contains(OpenMemoryZip.JsonlMember))
            {
                return new SniffResult(ExportFormat.OpenMemoryBackupZip, null);
            }

            return SniffResult.Unsupported(zip.Entries.Count == 0
                ? "zip archive is empty"
                : "zip archive without memories.json or memories.jsonl.gz (not an OpenMemory backup)");
        }
        catch (InvalidDataException)
        {
            return SniffResult.Unsupported("zip archive is corrupt or truncated");
        }
    }

    private static SniffResult SniffSqlite(string path)
    {
        try
        {
            var tables = SqliteHistory.ListTables(path);
            var known = tables.Where(SqliteHistory.KnownTables.Contains).ToList();
            if (known.Contains("vectors"))
            {
                return new SniffResult(ExportFormat.OssTypeScriptVectorStoreDb, null) { Tables = known };
            }

            if (known.Count > 0)
            {
                return new SniffResult(ExportFormat.OssHistoryDb, null) { Tables = known };
            }

            return SniffResult.Unsupported("SQLite database without a mem0 history, memory_history, messages or vectors table");
        }
        catch (SqliteException e)
        {
            return SniffResult.Unsupported($"SQLite database cannot be opened (SQLite error {e.SqliteErrorCode})");
        }
    }

    private static bool LooksBinary(ReadOnlySpan<byte> text)
    {
        var sample = text[..Math.Min(text.Length, 8192)];
        if (sample.IndexOf((byte)0) >= 0)
        {
            return true;
        }

        var control = 0;
        foreach (var b in sample)
        {
            if (b < 0x09 || (b > 0x0D && b < 0x20))
            {
                control++;
            }
        }

        return control > sample.Length / 20;
    }

    private static bool StartsWithLine(ReadOnlySpan<byte> text, ReadOnlySpan<byte> line) =>
        text.StartsWith(line) && (text.Length == line.Length || text[line.Length] is (byte)'\n' or (byte)'\r');

    private static bool HasFrontMatterId(ReadOnlySpan<byte> text)
    {
        var s = Encoding.UTF8.GetString(text[..Math.Min(text.Length, 4096)]);
        foreach (var raw in s.Split('\n').Skip(1).Take(20))
        {
            var line = raw.TrimEnd('\r');
            if (line == "---")
            {
                return false;
            }

            if (line.StartsWith("id:", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool StartsWithAny(ReadOnlySpan<byte> text, params string[] prefixes)
    {
        foreach (var p in prefixes)
        {
            if (text.Length >= p.Length && Encoding.ASCII.GetString(text[..p.Length]).Equals(p, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool LooksLikeCsv(ReadOnlySpan<byte> text)
    {
        var end = text.IndexOf((byte)'\n');
        var first = end < 0 ? text : text[..end];
        return first.IndexOf((byte)',') >= 0 && first.IndexOf((byte)'{') < 0 && first.IndexOf((byte)'[') < 0;
    }
}
