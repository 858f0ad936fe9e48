using System.IO.Compression;
using Microsoft.Data.Sqlite;
using Pixelated.MigrationPipeline.Mem0.Detection;
using Pixelated.MigrationPipeline.Mem0.Model;
using Pixelated.MigrationPipeline.Mem0.Reading;

namespace Pixelated.MigrationPipeline.Mem0;

/// <summary>
/// Detects the mem0 export format of a file (FORMATS.md §7) from its first 64 KB (decompressed for gzip), plus the
/// central directory of a zip and the table list of a SQLite file. This class sniffs the container by its magic bytes
/// (zip, SQLite, gzip); <see cref="PrefixSniffer"/> sniffs the text and <see cref="JsonShapeRules"/> holds the JSON rules.
/// </summary>
public static class Mem0FormatDetector
{
    internal const int SniffBytes = 64 * 1024;

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
                return PrefixSniffer.Sniff(inner, innerWhole, Path.GetFileName(innerName)) with { Gzip = true };
            }
            catch (InvalidDataException)
            {
                return SniffResult.Unsupported("gzip stream is corrupt");
            }
        }

        return PrefixSniffer.Sniff(span, whole, Path.GetFileName(path));
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
}
