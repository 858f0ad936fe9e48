using System.Runtime.CompilerServices;
using Pixelated.MigrationPipeline.Mem0.Detection;
using Pixelated.MigrationPipeline.Mem0.Model;
using Pixelated.MigrationPipeline.Mem0.Reading;

namespace Pixelated.MigrationPipeline.Mem0;

/// <summary>
/// Reads a mem0 export file: detects its format (<see cref="Mem0FormatDetector"/>) and streams its records with
/// constant memory. Yields <see cref="ItemRead"/> per good record and <see cref="RecordFailed"/> per bad one;
/// valid siblings still come through. File-level problems (unreadable, empty, unsupported format) yield a single
/// <see cref="RecordFailed"/> with RecordIndex -1. Truncated/invalid JSON stops the file after the records before it,
/// with one failure carrying the byte offset. Reasons never contain record content.
/// </summary>
/// <param name="clock">Used to decide whether an <c>expiration_date</c> is past (InactiveReason "expired"). Defaults to the system clock.</param>
public sealed class Mem0ExportReader(TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async IAsyncEnumerable<ReadOutcome> ReadAsync(string path, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var file = Path.GetFileName(path);
        var (sniff, ioProblem) = await TrySniffAsync(path, ct).ConfigureAwait(false);
        if (sniff is null)
        {
            yield return new RecordFailed(new SourcePosition(file, -1), null, ioProblem!);
            yield break;
        }

        if (sniff.Format == ExportFormat.Unknown)
        {
            yield return new RecordFailed(new SourcePosition(file, -1), null, $"unsupported or unrecognised mem0 export format: {sniff.Reason}");
            yield break;
        }

        IRecordMapper mapper = sniff.Format == ExportFormat.PlatformHistory
            ? new HistoryRecordMapper()
            : new MemoryRecordMapper(_clock);

        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream = null!;
            ioProblem = Describe(e);
        }

        if (ioProblem is not null)
        {
            yield return new RecordFailed(new SourcePosition(file, -1), null, ioProblem);
            yield break;
        }

        await using (stream.ConfigureAwait(false))
        {
            var outcomes = new List<ReadOutcome>(4);
            var streamer = new JsonArrayStreamer(stream, sniff.RecordsPath);
            await foreach (var e in streamer.ReadAsync(ct).ConfigureAwait(false))
            {
                switch (e)
                {
                    case StreamedRecord record:
                        using (record.Document)
                        {
                            outcomes.Clear();
                            mapper.Map(record.Document.RootElement, new SourcePosition(file, record.Index, record.ByteOffset), outcomes);
                        }

                        foreach (var outcome in outcomes)
                        {
                            yield return outcome;
                        }

                        break;
                    case StreamFailure failure:
                        yield return new RecordFailed(new SourcePosition(file, failure.Index, failure.ByteOffset), null, failure.Reason);
                        break;
                }
            }
        }
    }

    private static async Task<(SniffResult? Result, string? Problem)> TrySniffAsync(string path, CancellationToken ct)
    {
        try
        {
            return (await Mem0FormatDetector.SniffAsync(path, ct).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, Describe(e));
        }
    }

    private static string Describe(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "file not found",
        UnauthorizedAccessException => "file cannot be opened: access denied",
        _ => $"file cannot be read ({e.GetType().Name})",
    };
}
