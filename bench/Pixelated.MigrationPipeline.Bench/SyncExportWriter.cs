using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pixelated.MigrationPipeline.SyntheticExports;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// Two exports of one mem0 source for the <c>sync</c> benchmark, named as an operator would keep them so that their runs
/// chain (<c>clinic-2025-04-27.json</c> + <c>clinic-history-2025-04-27.json</c>, then the same names a week later): the
/// first is the synthetic export the other scenarios use (Platform v3 listing + history of conversations); the newer one is
/// the same export in which a share of the memories has a new text and a later <c>updated_at</c>, and a few messages are
/// appended to existing sessions. Every change carries a marker (<c>sync-bench change N</c>, <c>sync-bench message N</c>)
/// that the benchmark looks for in Zep afterwards.
/// </summary>
public static class SyncExportWriter
{
    public const string SourceStem = "clinic";

    /// <summary>An export on disk: its files (listing first: it names the source), its date, and what it holds.</summary>
    public sealed record Export(IReadOnlyList<string> Files, DateOnly Date, int Memories, int Messages);

    /// <summary>A memory whose text the newer export changed: its user, id and the marker its new text carries.</summary>
    public sealed record ChangedMemory(string User, string Id, string Marker);

    /// <summary>A message the newer export appended to an existing session.</summary>
    public sealed record NewMessage(string User, string Session, string Marker);

    public sealed record Newer(Export Export, IReadOnlyList<ChangedMemory> ChangedMemories, IReadOnlyList<NewMessage> NewMessages)
    {
        public int ChangedItems => ChangedMemories.Count + NewMessages.Count;
    }

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The first export: the generator's listing and history, renamed after the day after their last timestamp.</summary>
    public static async Task<Export> WriteFirstAsync(string folder, int users, int memoriesPerUser, int messagesPerUser)
    {
        var generated = await PipelineBenchmark.GenerateAsync(folder, users, memoriesPerUser, messagesPerUser);
        var memories = await ReadAsync(generated[0]);
        var history = generated.Length > 1 ? (JsonArray)await ReadAsync(generated[1]) : null;
        var last = Timestamps(Results(memories)).Concat(history is null ? [] : Timestamps(history)).Max();
        var date = DateOnly.FromDateTime(last.UtcDateTime).AddDays(1);
        var files = new List<string> { Rename(generated[0], ListingName(folder, date)) };
        if (generated.Length > 1) files.Add(Rename(generated[1], HistoryName(folder, date)));
        return new Export(files, date, Results(memories).Count, history is null ? 0 : MessageCount(history));
    }

    /// <summary>
    /// The export a week after <paramref name="previous"/>: <paramref name="changedPercent"/> % of its memories (chosen with
    /// <paramref name="seed"/>) get a new text and an <c>updated_at</c> on the new export's date; <paramref name="newMessages"/>
    /// messages are appended, one history row each, to existing sessions (distinct ones while there are enough).
    /// </summary>
    public static async Task<Newer> WriteNewerAsync(string folder, Export previous, double changedPercent, int newMessages, int seed)
    {
        var random = new Random(seed);
        var date = previous.Date.AddDays(7);
        var changedAt = new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);

        var listing = await ReadAsync(previous.Files[0]);
        var results = Results(listing);
        var count = (int)Math.Round(results.Count * changedPercent / 100, MidpointRounding.AwayFromZero);
        var changed = new List<ChangedMemory>(count);
        foreach (var (index, n) in Pick(random, results.Count, count).Order().Select((index, n) => (index, n)))
        {
            var memory = (JsonObject)results[index]!;
            var marker = $"sync-bench change {n + 1:D5}";
            memory["memory"] = $"{(string)memory["memory"]!} Update {date:yyyy-MM-dd} ({marker}): says this has changed since the last session.";
            memory["updated_at"] = Pacific(changedAt.AddSeconds(n));
            changed.Add(new ChangedMemory((string)memory["user_id"]!, (string)memory["id"]!, marker));
        }
        var files = new List<string> { await WriteAsync(ListingName(folder, date), listing) };

        var appended = new List<NewMessage>(newMessages);
        var messages = 0;
        if (previous.Files.Count > 1)
        {
            var history = (JsonArray)await ReadAsync(previous.Files[1]);
            var sessions = history.OfType<JsonObject>()
                .Where(row => row["session_id"] is not null && row["input"] is JsonArray { Count: > 0 })
                .Select(row => (User: (string)row["user_id"]!, Session: (string)row["session_id"]!))
                .Distinct().ToList();
            if (newMessages > 0 && sessions.Count == 0) throw new InvalidOperationException("the history holds no session to append messages to");
            var order = Pick(random, sessions.Count, Math.Min(newMessages, sessions.Count)).ToList();
            var at = changedAt.AddHours(1);
            for (var n = 0; n < newMessages; n++)
            {
                var (user, session) = sessions[order[n % order.Count]];
                var marker = $"sync-bench message {n + 1:D5}";
                var text = $"Since the last export I kept the sleep diary every night ({marker}).";
                history.Add(new JsonObject
                {
                    ["id"] = Guid(random),
                    ["memory_id"] = Guid(random),
                    ["input"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
                    ["old_memory"] = null,
                    ["new_memory"] = text,
                    ["user_id"] = user,
                    ["agent_id"] = null,
                    ["app_id"] = null,
                    ["session_id"] = session,
                    ["categories"] = null,
                    ["event"] = "ADD",
                    ["metadata"] = null,
                    ["created_at"] = Pacific(at.AddSeconds(n)),
                    ["updated_at"] = Pacific(at.AddSeconds(n)),
                });
                appended.Add(new NewMessage(user, session, marker));
            }
            files.Add(await WriteAsync(HistoryName(folder, date), history));
            messages = MessageCount(history);
        }
        else if (newMessages > 0)
        {
            throw new InvalidOperationException("--new-messages needs conversation messages (--messages-per-user > 0)");
        }

        return new Newer(new Export(files, date, results.Count, messages), changed, appended);
    }

    private static string ListingName(string folder, DateOnly date) => Path.Combine(folder, $"{SourceStem}-{date:yyyy-MM-dd}.json");

    private static string HistoryName(string folder, DateOnly date) => Path.Combine(folder, $"{SourceStem}-history-{date:yyyy-MM-dd}.json");

    private static string Rename(string from, string to)
    {
        File.Move(from, to);
        return to;
    }

    private static async Task<JsonNode> ReadAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        return await JsonNode.ParseAsync(stream) ?? throw new InvalidDataException($"{path} is empty");
    }

    private static async Task<string> WriteAsync(string path, JsonNode root)
    {
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using var writer = new Utf8JsonWriter(stream, WriterOptions);
        root.WriteTo(writer);
        await writer.FlushAsync();
        return path;
    }

    private static JsonArray Results(JsonNode listing) => (JsonArray)listing["results"]!;

    private static int MessageCount(JsonArray history) => history.OfType<JsonObject>().Sum(row => row["input"] is JsonArray input ? input.Count : 0);

    private static IEnumerable<DateTimeOffset> Timestamps(JsonArray records) =>
        records.OfType<JsonObject>().SelectMany(r => new[] { r["created_at"], r["updated_at"] })
            .OfType<JsonValue>().Select(v => DateTimeOffset.Parse((string)v!, CultureInfo.InvariantCulture));

    /// <summary><paramref name="count"/> distinct indices below <paramref name="total"/> (a partial Fisher–Yates shuffle).</summary>
    private static IEnumerable<int> Pick(Random random, int total, int count)
    {
        var indices = Enumerable.Range(0, total).ToArray();
        for (var i = 0; i < Math.Min(count, total); i++)
        {
            var j = random.Next(i, total);
            (indices[i], indices[j]) = (indices[j], indices[i]);
            yield return indices[i];
        }
    }

    private static string Guid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new System.Guid(bytes).ToString("D");
    }

    /// <summary>The generator's style: US/Pacific offset (approximated by month), microseconds.</summary>
    private static string Pacific(DateTimeOffset utc)
    {
        var offset = utc.Month is >= 4 and <= 10 ? TimeSpan.FromHours(-7) : TimeSpan.FromHours(-8);
        return utc.ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
    }
}
