using System.Text;
using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Detection;

/// <summary>
/// Sniffs the first bytes of a (decompressed) text file: empty, binary, P9 Markdown front matter, O3 SQL dump, XML, CSV;
/// anything that starts as JSON goes to <see cref="JsonShapeRules"/> (JSON Lines record by record, else the whole shape).
/// </summary>
internal static class PrefixSniffer
{
    private const int TextSample = 4096;

    public static SniffResult Sniff(ReadOnlySpan<byte> prefix, bool isWholeFile, string fileName = "")
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

        return SniffNonJson(trimmed, fileName) ?? SniffJson(prefix, trimmed, isWholeFile, fileName);
    }

    /// <summary>The rules for text that is not JSON; null when none applies.</summary>
    private static SniffResult? SniffNonJson(ReadOnlySpan<byte> trimmed, string fileName)
    {
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

        var text = trimmed[..Math.Min(trimmed.Length, TextSample)];
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

        return trimmed[0] == (byte)'<' ? SniffResult.Unsupported("XML/HTML document, not a mem0 export") : null;
    }

    private static SniffResult SniffJson(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> trimmed, bool isWholeFile, string fileName)
    {
        var shape = JsonShape.Read(prefix, isWholeFile);
        if (shape.Root == JsonTokenType.None || (shape.Invalid && shape.Root is not (JsonTokenType.StartObject or JsonTokenType.StartArray)))
        {
            var text = trimmed[..Math.Min(trimmed.Length, TextSample)];
            return SniffResult.Unsupported(LooksLikeCsv(text) ? "CSV text, not a mem0 export" : "file does not start with valid JSON");
        }

        var jsonLines = fileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);
        if (shape.Root == JsonTokenType.StartObject && (shape.MoreValuesFollow || jsonLines))
        {
            return JsonShapeRules.ClassifyJsonLine(shape.TopKeys);
        }

        return JsonShapeRules.Classify(shape);
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
        var s = Encoding.UTF8.GetString(text[..Math.Min(text.Length, TextSample)]);
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
