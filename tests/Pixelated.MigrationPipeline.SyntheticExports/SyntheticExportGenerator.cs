using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pixelated.MigrationPipeline.SyntheticExports;

/// <summary>Settings of <see cref="SyntheticExportGenerator"/>. Same options (seed included) → byte-identical file.</summary>
public sealed record SyntheticExportOptions
{
    public int Seed { get; init; } = 1;

    public int Users { get; init; } = 10;

    /// <summary>Records per user; with <see cref="TargetBytes"/> the file may stop earlier.</summary>
    public int MemoriesPerUser { get; init; } = 100;

    /// <summary>Stop once the file reaches this size (e.g. 1 GB for the benchmark); null = no size limit.</summary>
    public long? TargetBytes { get; init; }

    /// <summary>Every Nth memory is long (12,000–40,000 chars); 0 = never.</summary>
    public int LongMemoryEvery { get; init; }

    /// <summary>Share (0..1) of records using non-ASCII names / emoji.</summary>
    public double UnicodeShare { get; init; } = 0.2;

    /// <summary>Creation time of the first record (UTC); later records move forward a few minutes each.</summary>
    public DateTimeOffset Start { get; init; } = new(2025, 1, 6, 9, 0, 0, TimeSpan.Zero);
}

/// <summary>What was written: file size, records, and the items a reader must yield from it.</summary>
public sealed record SyntheticExportResult(long Bytes, long Records, long Items, int Users);

/// <summary>
/// Deterministic synthetic mem0 exports with realistic therapeutic text (moods, sleep, medication adherence, CBT
/// homework; names with unicode such as Zoë, 李雷, Søren; occasional emoji), streamed to disk record by record.
/// </summary>
public static class SyntheticExportGenerator
{
    private static readonly string[] AsciiNames = ["Alex", "Maria", "James", "Priya", "Tom", "Aisha", "Daniel", "Grace", "Omar", "Lena"];
    private static readonly string[] UnicodeNames = ["Zoë", "李雷", "Søren", "José", "Ngozi", "Chloé", "Ødegaard", "Aleksandr Żukowski", "Mía", "Kōji"];
    private static readonly string[] Emoji = ["🙂", "😔", "🌧️", "☀️", "💊", "📓", "😴", "💪"];
    private static readonly string[] Moods = ["anxious", "low", "calmer than last week", "irritable", "hopeful", "flat", "overwhelmed", "steady"];
    private static readonly string[] Meds = ["sertraline 50 mg", "escitalopram 10 mg", "bupropion 150 mg", "melatonin 3 mg", "quetiapine 25 mg"];
    private static readonly string[] Homework = ["a thought record", "behavioural activation scheduling", "a worry postponement log", "graded exposure to crowded shops", "a sleep diary", "the 5-4-3-2-1 grounding exercise"];
    private static readonly string[] Relations = ["sister", "partner", "manager", "mother", "best friend", "son"];
    private static readonly string[] Categories = ["health", "mood", "sleep", "medication", "homework", "relationships", "work", "goals"];
    private static readonly string[] Roles = ["user", "assistant", "therapist", "ai_therapist", "system"];

    private static readonly string[] Templates =
    [
        "{name} reported feeling {mood} most days this week {emoji}",
        "{name} slept about {hours} hours a night and woke up at {clock} twice.",
        "{name} took {med} every morning except on {weekday}.",
        "{name} missed two doses of {med} and felt {mood} afterwards.",
        "{name} completed {homework} and noticed the urge to avoid was weaker.",
        "{name} wants to practise {homework} before the next session.",
        "{name}'s {relation} has been supportive; they talk on {weekday} evenings.",
        "{name} had a panic episode at work on {weekday} that lasted about {minutes} minutes.",
        "{name} rated their anxiety {score}/10 at the start of the session and {score2}/10 at the end.",
        "{name} prefers sessions in the morning and finds video calls tiring {emoji}",
    ];

    private static readonly string[] Weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    /// <summary>P1 shape: one v3 page <c>{"count","next","previous","results":[...]}</c> holding every record.</summary>
    public static async Task<SyntheticExportResult> WritePlatformV3Async(string path, SyntheticExportOptions options, CancellationToken ct)
    {
        var random = new Random(options.Seed);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        const string countPlaceholder = "                    ";
        var header = Encoding.UTF8.GetBytes("{\"count\": ");
        await file.WriteAsync(header, ct).ConfigureAwait(false);
        var countOffset = file.Position;
        await file.WriteAsync(Encoding.UTF8.GetBytes(countPlaceholder + ", \"next\": null, \"previous\": null, \"results\": [\n"), ct).ConfigureAwait(false);

        var (records, _) = await WriteRecordsAsync(file, random, options, (writer, record, user, time) =>
        {
            WriteMemory(writer, random, options, record, user, time);
            return 1;
        }, ct).ConfigureAwait(false);

        await file.WriteAsync("\n]}\n"u8.ToArray(), ct).ConfigureAwait(false);
        var length = file.Position;
        file.Position = countOffset;
        await file.WriteAsync(Encoding.UTF8.GetBytes(records.ToString(CultureInfo.InvariantCulture).PadRight(countPlaceholder.Length)), ct).ConfigureAwait(false);
        return new SyntheticExportResult(length, records, records, (int)Math.Min(options.Users, records));
    }

    /// <summary>
    /// P5 shape: a history array of ADD/UPDATE entries whose <c>input</c> holds 1–6 messages (roles user, assistant,
    /// therapist, ai_therapist, system), plus a DELETE every 50th entry (which a reader yields as a deleted memory).
    /// </summary>
    public static async Task<SyntheticExportResult> WritePlatformHistoryAsync(string path, SyntheticExportOptions options, CancellationToken ct)
    {
        var random = new Random(options.Seed);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await file.WriteAsync("[\n"u8.ToArray(), ct).ConfigureAwait(false);
        var (records, items) = await WriteRecordsAsync(file, random, options, (writer, record, user, time) =>
        {
            var delete = record % 50 == 49;
            var memory = Sentence(random, options, record);
            writer.WriteStartObject();
            writer.WriteString("id", NewGuid(random));
            writer.WriteString("memory_id", NewGuid(random));
            writer.WriteStartArray("input");
            var messages = delete ? 0 : random.Next(1, 7);
            for (var m = 0; m < messages; m++)
            {
                writer.WriteStartObject();
                writer.WriteString("role", Roles[m == 0 ? 0 : random.Next(Roles.Length)]);
                writer.WriteString("content", Sentence(random, options, record + m));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (delete)
            {
                writer.WriteString("old_memory", memory);
                writer.WriteNull("new_memory");
            }
            else
            {
                writer.WriteNull("old_memory");
                writer.WriteString("new_memory", memory);
            }

            writer.WriteString("user_id", user);
            writer.WriteNull("agent_id");
            writer.WriteNull("app_id");
            writer.WriteString("session_id", $"{user}-session-{record / (options.Users * 5L)}");
            writer.WriteNull("categories");
            writer.WriteString("event", delete ? "DELETE" : record % 7 == 3 ? "UPDATE" : "ADD");
            writer.WriteNull("metadata");
            writer.WriteString("created_at", Pacific(time));
            writer.WriteString("updated_at", Pacific(time));
            writer.WriteEndObject();
            return messages + (delete ? 1 : 0);
        }, ct).ConfigureAwait(false);

        await file.WriteAsync("\n]\n"u8.ToArray(), ct).ConfigureAwait(false);
        return new SyntheticExportResult(file.Position, records, items, (int)Math.Min(options.Users, records));
    }

    /// <summary>
    /// The records of a JSON array, one after another (",\n" between them), until the options' record count or target
    /// size: each record is given its index, its user (round robin) and a creation time a little after the last one.
    /// Returns the records and the items they hold (what <paramref name="writeRecord"/> says each one holds).
    /// </summary>
    private static async Task<(long Records, long Items)> WriteRecordsAsync(FileStream file, Random random, SyntheticExportOptions options,
        Func<Utf8JsonWriter, long, string, DateTimeOffset, int> writeRecord, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        await using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        long records = 0, items = 0;
        var time = options.Start;
        var max = (long)options.Users * options.MemoriesPerUser;
        while (records < max && (options.TargetBytes is not { } target || file.Position < target))
        {
            ct.ThrowIfCancellationRequested();
            var user = UserId((int)(records % options.Users));
            time = time.AddSeconds(random.Next(30, 900)).AddTicks(random.Next(0, 10_000_000));
            buffer.SetLength(0);
            writer.Reset();
            if (records > 0)
            {
                buffer.Write(",\n"u8);
            }

            items += writeRecord(writer, records, user, time);
            await writer.FlushAsync(ct).ConfigureAwait(false);
            await file.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct).ConfigureAwait(false);
            records++;
        }

        return (records, items);
    }

    private static string UserId(int index) => $"client-{index:D5}";

    private static void WriteMemory(Utf8JsonWriter w, Random random, SyntheticExportOptions options, long index, string user, DateTimeOffset created)
    {
        var isLong = options.LongMemoryEvery > 0 && index % options.LongMemoryEvery == options.LongMemoryEvery - 1;
        string text;
        if (isLong)
        {
            var target = random.Next(12_000, 40_001);
            var sb = new StringBuilder(target + 200);
            while (sb.Length < target)
            {
                sb.Append(Sentence(random, options, index)).Append(' ');
            }

            text = sb.ToString(0, target).TrimEnd();
        }
        else
        {
            text = Sentence(random, options, index);
        }

        w.WriteStartObject();
        w.WriteString("id", NewGuid(random));
        w.WriteString("memory", text);
        w.WriteString("user_id", user);
        if (random.Next(10) == 0)
        {
            w.WriteString("agent_id", "intake-assistant");
        }
        else
        {
            w.WriteNull("agent_id");
        }

        w.WriteNull("app_id");
        if (random.Next(4) == 0)
        {
            w.WriteString("session_id", $"{user}-session-{random.Next(1, 40)}");
        }
        else
        {
            w.WriteNull("session_id");
        }

        if (random.Next(3) == 0)
        {
            w.WriteStartObject("metadata");
            w.WriteNumber("session_number", random.Next(1, 40));
            w.WriteString("source", random.Next(2) == 0 ? "intake" : "session-notes");
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("metadata");
        }

        if (random.Next(8) == 0)
        {
            w.WriteNull("categories");
        }
        else
        {
            w.WriteStartArray("categories");
            var n = random.Next(1, 3);
            for (var i = 0; i < n; i++)
            {
                w.WriteStringValue(Categories[random.Next(Categories.Length)]);
            }

            w.WriteEndArray();
        }

        w.WriteNull("structured_attributes");
        w.WriteNull("replaced_by");
        w.WriteBoolean("synthesized", false);
        w.WriteNull("expiration_date");
        w.WriteString("created_at", Pacific(created));
        w.WriteString("updated_at", Pacific(random.Next(5) == 0 ? created.AddDays(random.Next(1, 30)) : created));
        w.WriteEndObject();
    }

    private static string Sentence(Random random, SyntheticExportOptions options, long index)
    {
        var unicode = random.NextDouble() < options.UnicodeShare;
        var names = unicode ? UnicodeNames : AsciiNames;
        var hours = random.Next(3, 10);
        var score = random.Next(2, 10);
        return Templates[random.Next(Templates.Length)]
            .Replace("{name}", names[random.Next(names.Length)], StringComparison.Ordinal)
            .Replace("{mood}", Moods[random.Next(Moods.Length)], StringComparison.Ordinal)
            .Replace("{emoji}", unicode && random.Next(2) == 0 ? Emoji[random.Next(Emoji.Length)] : "", StringComparison.Ordinal)
            .Replace("{hours}", hours.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{clock}", $"{random.Next(1, 5)}:{random.Next(0, 60):D2} am", StringComparison.Ordinal)
            .Replace("{med}", Meds[random.Next(Meds.Length)], StringComparison.Ordinal)
            .Replace("{weekday}", Weekdays[(index + random.Next(7)) % 7], StringComparison.Ordinal)
            .Replace("{homework}", Homework[random.Next(Homework.Length)], StringComparison.Ordinal)
            .Replace("{relation}", Relations[random.Next(Relations.Length)], StringComparison.Ordinal)
            .Replace("{minutes}", random.Next(5, 45).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{score}", score.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{score2}", Math.Max(1, score - random.Next(0, 4)).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .TrimEnd();
    }

    private static string NewGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString("D");
    }

    /// <summary>Platform style: US/Pacific offset (-07:00 in DST months, -08:00 otherwise, approximated by month) with µs.</summary>
    private static string Pacific(DateTimeOffset utc)
    {
        var offset = utc.Month is >= 4 and <= 10 ? TimeSpan.FromHours(-7) : TimeSpan.FromHours(-8);
        return utc.ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
    }
}
