using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>
/// M1/M2 OpenMemory backups: the zip (<c>memories.json</c> + <c>memories.jsonl.gz</c>, found by base name anywhere, as
/// the OpenMemory importer does) and the two members on their own.
/// <list type="bullet">
/// <item>Zip members are decompressed as streams, never to disk, through <see cref="BombGuardStream"/>: a member whose
/// output passes 10 MB at more than 200:1, or an archive past 4 GB in total, is refused (RecordFailed naming it) and the
/// other members are still read. Unknown members are refused by name, unread.</item>
/// <item><c>memories.json</c> is the source of truth: external user id from <c>user.user_id</c> (records hold the internal
/// UUID), app names from <c>apps</c>, category names from <c>categories</c>, <c>state</c> → InactiveReason. Those small
/// sections precede <c>memories</c> in the producer's output; otherwise a first pass collects them.</item>
/// <item><c>memories.jsonl.gz</c> holds the same memories with fewer fields and no user: it is read only when the zip
/// has no <c>memories.json</c> (then it needs the fallback user id).</item>
/// </list>
/// </summary>
internal static class OpenMemoryZip
{
    public const string JsonMember = "memories.json";
    public const string JsonlMember = "memories.jsonl.gz";

    private static readonly HashSet<string> Context = new(StringComparer.Ordinal) { "user", "apps", "categories" };

    public static async IAsyncEnumerable<ReadOutcome> ReadZipAsync(
        string path, string file, Mem0ReaderOptions options, TimeProvider clock, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
        var budget = new DecompressionBudget(options.MaxTotalUncompressedBytes);
        var entries = zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
        var json = entries.FirstOrDefault(e => e.Name == JsonMember);
        var jsonl = entries.FirstOrDefault(e => e.Name == JsonlMember);
        foreach (var entry in entries)
        {
            var label = $"{file}!{entry.FullName}";
            if (entry != json && entry != jsonl)
            {
                yield return new RecordFailed(new SourcePosition(label, -1), null,
                    "unexpected member in an OpenMemory backup (expected only memories.json and memories.jsonl.gz); not read");
                continue;
            }

            if (entry == jsonl && json is not null)
            {
                continue; // same memories as memories.json, with fewer fields and no user
            }

            if (Refuse(entry, options) is { } refusal)
            {
                yield return new RecordFailed(new SourcePosition(label, -1), null, refusal);
                continue;
            }

            Stream Open()
            {
                var guarded = new BombGuardStream(entry.Open(), entry.CompressedLength, budget, options.MaxCompressionRatio, options.RatioCheckMinBytes);
                return entry == jsonl
                    ? new BombGuardStream(new GZipStream(guarded, CompressionMode.Decompress), entry.Length, budget, options.MaxCompressionRatio, options.RatioCheckMinBytes)
                    : guarded;
            }

            var inner = entry == json
                ? ReadJsonAsync(Open, label, options, clock, ct)
                : ReadJsonlAsync(Open(), label, options, clock, ct);
            await foreach (var outcome in Mem0ExportReader.GuardAsync(inner, label, ct).ConfigureAwait(false))
            {
                yield return outcome;
            }
        }
    }

    /// <summary>Refusal decided from the central directory alone (declared sizes), before decompressing anything.</summary>
    private static string? Refuse(ZipArchiveEntry entry, Mem0ReaderOptions options)
    {
        if (entry.Length > options.MaxTotalUncompressedBytes)
        {
            return $"member declares {entry.Length} uncompressed bytes, above the {options.MaxTotalUncompressedBytes / (1024 * 1024)} MB cap: refused as a possible zip bomb";
        }

        if (entry.Length > options.RatioCheckMinBytes && entry.Length > options.MaxCompressionRatio * Math.Max(1, entry.CompressedLength))
        {
            return $"member declares a compression ratio above {options.MaxCompressionRatio:0}:1 ({entry.Length} bytes from {entry.CompressedLength}): refused as a possible zip bomb";
        }

        return null;
    }

    public static MemoryMapping JsonlMapping(Mem0ReaderOptions options) => new()
    {
        ContentKeys = ["content"],
        DefaultUserId = options.FallbackUserId,
        MissingUserReason = "OpenMemory JSONL records carry no user id; read memories.json instead or pass a fallback user id (Mem0ReaderOptions.FallbackUserId)",
        HasState = true,
        AppByName = true,
    };

    public static IAsyncEnumerable<ReadOutcome> ReadJsonlAsync(Stream stream, string label, Mem0ReaderOptions options, TimeProvider clock, CancellationToken ct) =>
        DisposeAfter(stream, JsonSources.ReadLinesAsync(stream, new MemoryRecordMapper(clock, JsonlMapping(options)), label, options.MaxRecordBytes, ct), ct);

    private static async IAsyncEnumerable<ReadOutcome> DisposeAfter(Stream stream, IAsyncEnumerable<ReadOutcome> inner, [EnumeratorCancellation] CancellationToken ct)
    {
        await using (stream.ConfigureAwait(false))
        {
            await foreach (var o in inner.WithCancellation(ct).ConfigureAwait(false))
            {
                yield return o;
            }
        }
    }

    /// <summary>Streams <c>memories</c> of a memories.json (zip member or standalone file).</summary>
    public static async IAsyncEnumerable<ReadOutcome> ReadJsonAsync(
        Func<Stream> open, string label, Mem0ReaderOptions options, TimeProvider clock, [EnumeratorCancellation] CancellationToken ct)
    {
        MemoryMapping? mapping = null;
        for (var pass = 0; pass < 2; pass++)
        {
            await using var stream = open();
            var streamer = new JsonArrayStreamer(stream, pass == 0 ? ["memories"] : ["\u0000collect-only"], Context, options.MaxRecordBytes);
            var restart = false;
            var outcomes = new List<ReadOutcome>(2);
            try
            {
                await foreach (var e in streamer.ReadAsync(ct).ConfigureAwait(false))
                {
                    if (pass == 1)
                    {
                        (e as StreamedRecord)?.Document.Dispose();
                        continue;
                    }

                    restart = !MapFirstPass(e, streamer, ref mapping, label, options, clock, outcomes);
                    if (restart)
                    {
                        break;
                    }

                    foreach (var o in outcomes)
                    {
                        yield return o;
                    }
                }

                if (pass == 1)
                {
                    mapping = BuildMapping(streamer.Collected, options);
                }
            }
            finally
            {
                foreach (var doc in streamer.Collected.Values)
                {
                    doc.Dispose();
                }
            }

            if (!restart && pass == 0)
            {
                yield break;
            }

            if (pass == 1)
            {
                // Context collected: read the memories again, now with the mapping.
                await using var again = open();
                await foreach (var o in JsonSources.ReadArrayAsync(again, ["memories"], new MemoryRecordMapper(clock, mapping!), label, options.MaxRecordBytes, ct).ConfigureAwait(false))
                {
                    yield return o;
                }

                yield break;
            }
        }
    }

    /// <summary>Maps one event of the first pass into <paramref name="outcomes"/> (cleared first), building the mapping at the
    /// first record. False when that record comes before the top-level <c>user</c>: the mapping cannot be built yet.</summary>
    private static bool MapFirstPass(
        StreamEvent e, JsonArrayStreamer streamer, ref MemoryMapping? mapping, string label, Mem0ReaderOptions options, TimeProvider clock,
        List<ReadOutcome> outcomes)
    {
        switch (e)
        {
            case StreamedRecord record:
                using (record.Document)
                {
                    if (mapping is null)
                    {
                        if (!streamer.Collected.ContainsKey("user"))
                        {
                            return false;
                        }

                        mapping = BuildMapping(streamer.Collected, options);
                    }

                    outcomes.Clear();
                    JsonSources.MapSafely(new MemoryRecordMapper(clock, mapping), record.Document.RootElement,
                        new SourcePosition(label, record.Index, record.ByteOffset), outcomes);
                }

                return true;
            case StreamFailure failure:
                outcomes.Clear();
                outcomes.Add(new RecordFailed(new SourcePosition(label, failure.Index, failure.ByteOffset), null, failure.Reason));
                return true;
            default:
                return true;
        }
    }

    private static MemoryMapping BuildMapping(Dictionary<string, JsonDocument> collected, Mem0ReaderOptions options)
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        if (collected.TryGetValue("user", out var user) && user.RootElement.ValueKind == JsonValueKind.Object
            && Str(user.RootElement, "id") is { } internalId && Str(user.RootElement, "user_id") is { } external)
        {
            users[internalId] = external;
        }

        return new MemoryMapping
        {
            ContentKeys = ["content"],
            DefaultUserId = options.FallbackUserId,
            MissingUserReason = "memories.json has no readable 'user' (id and user_id); pass a fallback user id (Mem0ReaderOptions.FallbackUserId)",
            UserIdsByInternalId = users,
            AppNames = Names(collected, "apps"),
            CategoryNames = Names(collected, "categories"),
            HasState = true,
            AppByName = true,
        };
    }

    private static Dictionary<string, string> Names(Dictionary<string, JsonDocument> collected, string key)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (collected.TryGetValue(key, out var doc) && doc.RootElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && Str(item, "id") is { } id && Str(item, "name") is { } name)
                {
                    names[id] = name;
                }
            }
        }

        return names;
    }

    private static string? Str(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
