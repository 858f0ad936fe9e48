using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Detection;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0;

/// <summary>
/// Detects the mem0 export format of a file from its first 64 KB only (FORMATS.md §7). See <see cref="Classify"/>
/// for the rules.
/// </summary>
public static class Mem0FormatDetector
{
    internal const int SniffBytes = 64 * 1024;

    private static readonly string[] RecordsPath = ["results"];
    private static readonly string[] NestedRecordsPath = ["results", "results"];

    public static async Task<ExportFormat> DetectAsync(string path, CancellationToken ct = default) =>
        (await SniffAsync(path, ct).ConfigureAwait(false)).Format;

    /// <summary>Sniffs a file. Throws only for I/O problems (missing file, access denied).</summary>
    internal static async Task<SniffResult> SniffAsync(string path, CancellationToken ct)
    {
        var buffer = new byte[SniffBytes];
        int length = 0;
        bool whole;
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true))
        {
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            whole = length < buffer.Length || stream.Position == stream.Length;
        }

        return Sniff(buffer.AsSpan(0, length), whole);
    }

    internal static SniffResult Sniff(ReadOnlySpan<byte> prefix, bool isWholeFile)
    {
        if (prefix.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            prefix = prefix[3..];
        }

        if (prefix.Trim(" \t\r\n"u8).IsEmpty)
        {
            return SniffResult.Unsupported("file is empty");
        }

        if (prefix.StartsWith((ReadOnlySpan<byte>)[(byte)'P', (byte)'K', 3, 4]))
        {
            return SniffResult.Unsupported("file is a zip archive (OpenMemory backup?), not supported");
        }

        var shape = JsonShape.Read(prefix, isWholeFile);
        if (shape.Invalid && shape.Root == JsonTokenType.None)
        {
            return SniffResult.Unsupported("file does not start with valid JSON");
        }

        return Classify(shape);
    }

    /// <summary>
    /// Root object with a <c>results</c> array: <c>count</c> present → Platform paginated (P1 when <c>next</c>/<c>previous</c>
    /// point to /v3/ or the record has v3-only keys, P2 when it has legacy keys such as <c>hash</c>/<c>immutable</c>,
    /// otherwise P1); no <c>count</c> → P3 when the record has Platform keys (categories, session_id, ...), else O1.
    /// Root array: rows with <c>memory_id</c>+<c>event</c>+<c>input</c> → P5; rows with <c>memory</c>+<c>id</c> → P2 when
    /// Platform keys, else O2. camelCase records (JS/TS) and the other shapes of §7 are reported as Unknown.
    /// </summary>
    internal static SniffResult Classify(JsonShape shape)
    {
        var r = shape.FirstRecordKeys;
        if (shape.FirstRecord == JsonTokenType.StartObject)
        {
            if (!r.Contains("created_at") && (r.Contains("createdAt") || r.Contains("userId")))
            {
                return SniffResult.Unsupported("records use camelCase keys (JS/TS SDK or OSS TypeScript dump), not supported");
            }

            if (r.Contains("memory_id") && (r.Contains("event") || r.Contains("action")))
            {
                if (r.Contains("input") && r.Contains("event"))
                {
                    return new SniffResult(ExportFormat.PlatformHistory, shape.Root == JsonTokenType.StartArray ? [] : RecordsPath);
                }

                return SniffResult.Unsupported("records are OSS history rows (O3/O4), not supported");
            }
        }

        return shape.Root switch
        {
            JsonTokenType.StartObject => ClassifyObject(shape),
            JsonTokenType.StartArray => ClassifyArray(shape),
            _ => SniffResult.Unsupported("top-level JSON value is neither an object nor an array"),
        };
    }

    private static SniffResult ClassifyObject(JsonShape shape)
    {
        var r = shape.FirstRecordKeys;
        if (shape.NestedResults)
        {
            return new SniffResult(ExportFormat.PlatformLegacyList, NestedRecordsPath);
        }

        if (shape.ResultsValue != JsonTokenType.StartArray)
        {
            var t = shape.TopKeys;
            var reason =
                shape.TopStrings.TryGetValue("kind", out var kind) && kind == "mem0_oss_qdrant_export" ? "file is an OSS-to-Platform migration artifact (O7), not supported"
                : t.Contains("result") ? "file looks like a raw Qdrant scroll response (O6), not supported"
                : t.Contains("items") && t.Contains("total") ? "file looks like an OpenMemory REST page (M3), not supported"
                : t.Contains("status") && t.Contains("command") && t.Contains("data") ? "file is mem0 CLI output (P8), not supported"
                : t.Contains("results") ? "'results' is not an array"
                : "no 'results' array at the top level (structured export or unrelated JSON)";
            return SniffResult.Unsupported(reason);
        }

        if (shape.FirstRecord is not (JsonTokenType.StartObject or JsonTokenType.None))
        {
            return SniffResult.Unsupported("records are not JSON objects");
        }

        if (shape.TopKeys.Contains("count"))
        {
            var pageUrlIsV3 = shape.TopStrings.Values.Any(v => v.Contains("/v3/", StringComparison.Ordinal));
            var v3Keys = r.Contains("structured_attributes") || r.Contains("replaced_by") || r.Contains("synthesized");
            var legacyKeys = r.Contains("hash") || r.Contains("immutable") || r.Contains("owner") || r.Contains("organization") || r.Contains("input");
            var format = pageUrlIsV3 || v3Keys || !legacyKeys ? ExportFormat.PlatformV3Page : ExportFormat.PlatformLegacyList;
            return new SniffResult(format, RecordsPath);
        }

        return new SniffResult(HasPlatformKeys(r) ? ExportFormat.PlatformSdkResults : ExportFormat.OssPythonGetAll, RecordsPath);
    }

    private static SniffResult ClassifyArray(JsonShape shape)
    {
        var r = shape.FirstRecordKeys;
        return shape.FirstRecord switch
        {
            // An empty list is a valid (empty) export; the record shape is the same for P2 and O2.
            JsonTokenType.None => new SniffResult(ExportFormat.PlatformLegacyList, []),
            JsonTokenType.StartObject when r.Contains("memory") || r.Contains("id") =>
                new SniffResult(HasPlatformKeys(r) ? ExportFormat.PlatformLegacyList : ExportFormat.OssPythonList, []),
            JsonTokenType.StartObject => SniffResult.Unsupported("array items are neither memories nor history rows"),
            _ => SniffResult.Unsupported("array items are not JSON objects"),
        };
    }

    private static bool HasPlatformKeys(HashSet<string> r) =>
        r.Contains("categories") || r.Contains("structured_attributes") || r.Contains("session_id")
        || r.Contains("app_id") || r.Contains("immutable") || r.Contains("owner") || r.Contains("synthesized");
}
