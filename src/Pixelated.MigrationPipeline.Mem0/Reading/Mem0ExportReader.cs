using System.IO.Compression;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Pixelated.MigrationPipeline.Mem0.Detection;
using Pixelated.MigrationPipeline.Mem0.Model;
using Pixelated.MigrationPipeline.Mem0.Reading;

namespace Pixelated.MigrationPipeline.Mem0;

/// <summary>
/// Reads a mem0 export file: detects its format (<see cref="Mem0FormatDetector"/>) and streams its records with
/// constant memory (JSON through a resumable reader, JSONL/Markdown line by line, SQLite through a data reader, zip
/// members and gzip as streams). Yields <see cref="ItemRead"/> per good record and <see cref="RecordFailed"/> per bad
/// one; valid siblings still come through. File-level problems (unreadable, empty, unsupported format, a recognised
/// file that holds no records) yield a single <see cref="RecordFailed"/> with RecordIndex -1. Truncated/invalid JSON
/// stops the file after the records before it, with one failure carrying the byte offset. Never throws for bad input:
/// an unexpected I/O or format exception ends the file with one failure. Reasons never contain record content.
/// </summary>
/// <param name="clock">Used to decide whether an <c>expiration_date</c> is past (InactiveReason "expired"). Defaults to the system clock.</param>
public sealed class Mem0ExportReader(TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private Mem0ReaderOptions _options = Mem0ReaderOptions.Default;

    public Mem0ExportReader(Mem0ReaderOptions options, TimeProvider? clock = null)
        : this(clock)
    {
        _options = options;
    }

    public Mem0ReaderOptions Options => _options;

    public IAsyncEnumerable<ReadOutcome> ReadAsync(string path, CancellationToken ct = default) =>
        GuardAsync(ReadUnguardedAsync(path, ct), Path.GetFileName(path), ct);

    /// <summary>Runs <paramref name="inner"/>; an I/O, data or parsing exception becomes one final RecordFailed.</summary>
    internal static async IAsyncEnumerable<ReadOutcome> GuardAsync(IAsyncEnumerable<ReadOutcome> inner, string file, [EnumeratorCancellation] CancellationToken ct)
    {
        var e = inner.GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                ReadOutcome? failure = null;
                bool more;
                try
                {
                    more = await e.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    more = false;
                    failure = new RecordFailed(new SourcePosition(file, -1), null, Describe(ex));
                }

                if (failure is not null)
                {
                    yield return failure;
                    yield break;
                }

                if (!more)
                {
                    yield break;
                }

                yield return e.Current;
            }
        }
        finally
        {
            try
            {
                await e.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or SqliteException)
            {
            }
        }
    }

    private async IAsyncEnumerable<ReadOutcome> ReadUnguardedAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        var file = Path.GetFileName(path);
        var sniff = await Mem0FormatDetector.SniffAsync(path, ct).ConfigureAwait(false);
        if (sniff.Format == ExportFormat.Unknown)
        {
            yield return new RecordFailed(new SourcePosition(file, -1), null, $"unsupported or unrecognised mem0 export format: {sniff.Reason}");
            yield break;
        }

        if (sniff.Reason is not null)
        {
            // A recognised mem0 output that holds no migratable records.
            yield return new RecordFailed(new SourcePosition(file, -1), null, sniff.Reason);
            yield break;
        }

        var inner = sniff.Format switch
        {
            ExportFormat.OpenMemoryBackupZip => OpenMemoryZip.ReadZipAsync(path, file, _options, _clock, ct),
            ExportFormat.OssHistoryDb or ExportFormat.OssTypeScriptVectorStoreDb => SqliteHistory.ReadAsync(path, file, _options, _clock, ct),
            ExportFormat.OssHistorySqlDump => SqlDumpSource.ReadAsync(path, file, _options, _clock, ct),
            ExportFormat.PlatformPluginMarkdown => WithStream(path, sniff.Gzip, s => PluginMarkdownSource.ReadAsync(s, file, _options.FallbackUserId, _clock, _options.MaxRecordBytes, ct), ct),
            ExportFormat.OpenMemoryBackupJson => OpenMemoryZip.ReadJsonAsync(() => OpenFile(path, sniff.Gzip), file, _options, _clock, ct),
            ExportFormat.OpenMemoryBackupJsonl => WithStream(path, sniff.Gzip, s => OpenMemoryZip.ReadJsonlAsync(s, file, _options, _clock, ct), ct),
            ExportFormat.MemoryJsonLines => WithStream(path, sniff.Gzip, s => JsonSources.ReadLinesAsync(s, MapperFor(sniff), file, _options.MaxRecordBytes, ct), ct),
            _ => WithStream(path, sniff.Gzip, s => JsonSources.ReadArrayAsync(s, sniff.RecordsPath, MapperFor(sniff), file, _options.MaxRecordBytes, ct), ct),
        };

        await foreach (var outcome in inner.ConfigureAwait(false))
        {
            yield return outcome;
        }
    }

    private IRecordMapper MapperFor(SniffResult sniff)
    {
        var fallback = _options.FallbackUserId;
        return sniff.Format switch
        {
            ExportFormat.PlatformHistory => new HistoryRecordMapper(),
            ExportFormat.OssPythonHistory or ExportFormat.OssTypeScriptHistory => new OssHistoryMapper(fallback),
            ExportFormat.OssQdrantScroll => new QdrantPointMapper(new MemoryRecordMapper(_clock, new MemoryMapping
            {
                ContentKeys = ["data"],
                DefaultUserId = fallback,
                ExpirationInMetadata = true,
            })),
            ExportFormat.PlatformCliList => new MemoryRecordMapper(_clock, new MemoryMapping
            {
                DefaultUserId = sniff.Scope.GetValueOrDefault("user_id") ?? fallback,
                MissingUserReason = "mem0 CLI output carries no user id and its 'scope' names no user_id; export with --user-id or pass a fallback user id (Mem0ReaderOptions.FallbackUserId)",
            }),
            ExportFormat.OpenMemoryRestPage or ExportFormat.OpenMemoryRestMemory => new MemoryRecordMapper(_clock, new MemoryMapping
            {
                ContentKeys = ["content", "text"],
                DefaultUserId = fallback,
                MissingUserReason = "OpenMemory REST listings carry no user id; pass the user id that was queried as fallback user id (Mem0ReaderOptions.FallbackUserId)",
                HasState = true,
                AppByName = true,
            }),
            ExportFormat.OssTypeScriptGetAll => new MemoryRecordMapper(_clock, new MemoryMapping { DefaultUserId = fallback, ExpirationInMetadata = true }),
            _ => new MemoryRecordMapper(_clock, new MemoryMapping { DefaultUserId = fallback }),
        };
    }

    private static Stream OpenFile(string path, bool gzip)
    {
        Stream file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        if (!gzip)
        {
            return file;
        }

        // A standalone .gz: same bomb guard as zip members (ratio against the file size, 4 GB total).
        var o = Mem0ReaderOptions.Default;
        return new BombGuardStream(new GZipStream(file, CompressionMode.Decompress), file.Length, new DecompressionBudget(o.MaxTotalUncompressedBytes), o.MaxCompressionRatio, o.RatioCheckMinBytes);
    }

    private static async IAsyncEnumerable<ReadOutcome> WithStream(
        string path, bool gzip, Func<Stream, IAsyncEnumerable<ReadOutcome>> read, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var stream = OpenFile(path, gzip);
        await foreach (var outcome in read(stream).WithCancellation(ct).ConfigureAwait(false))
        {
            yield return outcome;
        }
    }

    private static string Describe(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "file not found",
        UnauthorizedAccessException => "file cannot be opened: access denied",
        DecompressionLimitException limit => limit.Message,
        InvalidDataException => "compressed data is corrupt or truncated; reading stopped",
        SqliteException s => $"SQLite error {s.SqliteErrorCode}; reading stopped",
        _ => $"file cannot be read ({e.GetType().Name}); reading stopped",
    };
}
