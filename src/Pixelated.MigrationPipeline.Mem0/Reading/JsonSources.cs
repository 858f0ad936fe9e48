using System.Runtime.CompilerServices;
using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>Streams JSON arrays and JSON Lines through a mapper, with constant memory (but for what a mapper keeps until the
/// records end: <see cref="IRecordMapper.Complete"/>).</summary>
internal static class JsonSources
{
    /// <summary>Records of one JSON array (or the single root record when <paramref name="path"/> is null).</summary>
    public static async IAsyncEnumerable<ReadOutcome> ReadArrayAsync(
        Stream stream, IReadOnlyList<string>? path, IRecordMapper mapper, string file, int maxRecordBytes,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var outcomes = new List<ReadOutcome>(4);
        var streamer = new JsonArrayStreamer(stream, path, maxRecordBytes: maxRecordBytes);
        await foreach (var e in streamer.ReadAsync(ct).ConfigureAwait(false))
        {
            switch (e)
            {
                case StreamedRecord record:
                    using (record.Document)
                    {
                        outcomes.Clear();
                        MapSafely(mapper, record.Document.RootElement, new SourcePosition(file, record.Index, record.ByteOffset), outcomes);
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

        foreach (var outcome in Completed(mapper))
        {
            yield return outcome;
        }
    }

    /// <summary>One JSON value per line; record index = 0-based line number; blank lines are skipped.</summary>
    public static async IAsyncEnumerable<ReadOutcome> ReadLinesAsync(
        Stream stream, IRecordMapper mapper, string file, int maxRecordBytes, [EnumeratorCancellation] CancellationToken ct)
    {
        var lines = new ByteLineReader(stream, maxRecordBytes);
        var outcomes = new List<ReadOutcome>(4);
        long index = -1;
        var first = true;
        while (await lines.NextAsync(ct).ConfigureAwait(false) is { } next)
        {
            index++;
            var (line, offset, tooLong) = next;
            if (first)
            {
                first = false;
                if (line.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
                {
                    line = line[3..];
                }
            }

            var position = new SourcePosition(file, index, offset);
            if (tooLong)
            {
                yield return new RecordFailed(position, null, $"line is larger than the {maxRecordBytes / (1024 * 1024)} MB record cap; skipped");
                continue;
            }

            if (line.Span.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException)
            {
                doc = null!;
            }

            if (doc is null)
            {
                yield return new RecordFailed(position, null, "line is not valid JSON (truncated or corrupt); the next lines are still read");
                continue;
            }

            using (doc)
            {
                outcomes.Clear();
                MapSafely(mapper, doc.RootElement, position, outcomes);
            }

            foreach (var outcome in outcomes)
            {
                yield return outcome;
            }
        }

        foreach (var outcome in Completed(mapper))
        {
            yield return outcome;
        }
    }

    /// <summary>What the mapper still holds once the records ended (records read before a truncation included).</summary>
    private static List<ReadOutcome> Completed(IRecordMapper mapper)
    {
        var outcomes = new List<ReadOutcome>();
        mapper.Complete(outcomes);
        return outcomes;
    }

    /// <summary>Runs a mapper; an unexpected exception fails that record only (never its siblings).</summary>
    public static void MapSafely(IRecordMapper mapper, JsonElement record, SourcePosition position, List<ReadOutcome> outcomes)
    {
        try
        {
            mapper.Map(record, position, outcomes);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException or ArgumentException)
        {
            outcomes.Clear();
            outcomes.Add(new RecordFailed(position, null, $"record cannot be read ({e.GetType().Name})", SourceId: FieldReader.PeekId(record, "id")));
        }
    }
}
