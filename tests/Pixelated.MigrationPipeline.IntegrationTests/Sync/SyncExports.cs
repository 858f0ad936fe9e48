using System.Text.Json;

namespace Pixelated.MigrationPipeline.IntegrationTests.Sync;

/// <summary>
/// Two exports of one clinic's mem0, a week apart, as a Platform v3 page of memories and a Platform history file with the
/// conversation. The newer one: <c>m1</c>'s text changed (updated_at a week later), <c>m2</c> deleted (a history DELETE
/// event, and gone from the listing), <c>m3</c> unchanged, <c>m4</c> new, and two new messages in the existing session.
/// </summary>
public static class SyncExports
{
    public const string User = "sync-patient";
    /// <summary>A user of the first export only: absent from the newer (full) export, all of its memories were deleted in the source.</summary>
    public const string Leaver = "sync-leaver";
    /// <summary>A user whose one memory is the same in both exports: a sync sends Zep nothing for it.</summary>
    public const string Steady = "sync-steady";
    public const string Session = "weekly-check-in";
    public static readonly DateTimeOffset Changed = new(2026, 2, 9, 10, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Start = new(2026, 2, 2, 9, 0, 0, TimeSpan.Zero);

    public const string FirstText = "Sleeps about six hours on weeknights.";
    public const string ChangedText = "Sleeps about seven hours on weeknights since the new routine.";

    /// <summary>The first export: m1, m2, m3 and four messages.</summary>
    public static string[] WriteFirst(string folder) => Write(folder, "2026-02-02",
        [("m1", FirstText, Start, null), ("m2", "Walks to work on dry days.", Start.AddMinutes(1), null), ("m3", "Prefers morning sessions.", Start.AddMinutes(2), null)],
        [Row("h1", "m1", "ADD", Start, null), Row("h2", "m3", "ADD", Start.AddMinutes(2), null)]);

    /// <summary>The newer export: m1 changed, m2 deleted, m3 unchanged, m4 new; the history adds m2's deletion with two new messages.</summary>
    public static string[] WriteNewer(string folder) => Write(folder, "2026-02-09",
        [("m1", ChangedText, Start, Changed), ("m3", "Prefers morning sessions.", Start.AddMinutes(2), null), ("m4", "Started a gratitude journal.", Changed.AddMinutes(5), null)],
        [Row("h1", "m1", "ADD", Start, null), Row("h2", "m3", "ADD", Start.AddMinutes(2), null),
         Row("h3", "m2", "DELETE", Changed.AddMinutes(10), "Walks to work on dry days.")]);

    /// <summary>The contents of the messages in the order the conversation had them.</summary>
    public static readonly string[] FirstMessages =
        ["How did you sleep this week? (h1)", "About six hours a night. (h1)", "How did you sleep this week? (h2)", "About six hours a night. (h2)"];

    public static readonly string[] NewMessages = ["How did you sleep this week? (h3)", "About six hours a night. (h3)"];

    private static string[] Write(string folder, string stamp, (string Id, string Text, DateTimeOffset Created, DateTimeOffset? Updated)[] memories,
        Dictionary<string, object?>[] history)
    {
        var leaver = (stamp == "2026-02-02" ? new[] { (Id: "l1", Text: "Moved to another clinic.", User: Leaver) } : [])
            .Append((Id: "s1", Text: "Keeps a steady routine.", User: Steady)).ToArray();
        Directory.CreateDirectory(folder);
        var page = Path.Combine(folder, $"clinic-memories-{stamp}.json");
        File.WriteAllText(page, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["count"] = memories.Length + leaver.Length, ["next"] = null, ["previous"] = null,
            ["results"] = memories.Select(m => (m.Id, m.Text, User, Created: m.Created, Updated: m.Updated))
                .Concat(leaver.Select(l => (l.Id, l.Text, l.User, Created: Start, Updated: (DateTimeOffset?)null)))
                .Select(m => new Dictionary<string, object?>
            {
                ["id"] = m.Id, ["memory"] = m.Text, ["user_id"] = m.User, ["agent_id"] = null, ["app_id"] = null, ["session_id"] = null,
                ["metadata"] = null, ["categories"] = new[] { "health" }, ["structured_attributes"] = null, ["replaced_by"] = null,
                ["synthesized"] = false, ["expiration_date"] = null,
                ["created_at"] = m.Created.ToString("O"), ["updated_at"] = m.Updated?.ToString("O"),
            }).ToList(),
        }));
        var historyFile = Path.Combine(folder, $"clinic-history-{stamp}.json");
        File.WriteAllText(historyFile, JsonSerializer.Serialize(history));
        return [page, historyFile];
    }

    private static Dictionary<string, object?> Row(string id, string memoryId, string eventName, DateTimeOffset at, string? oldMemory) => new()
    {
        ["id"] = id, ["memory_id"] = memoryId,
        ["input"] = new[]
        {
            new { role = "assistant", content = $"How did you sleep this week? ({id})" },
            new { role = "user", content = $"About six hours a night. ({id})" },
        },
        ["old_memory"] = oldMemory, ["new_memory"] = eventName == "DELETE" ? null : "(state)", ["user_id"] = User, ["agent_id"] = null,
        ["app_id"] = null, ["session_id"] = Session, ["categories"] = new[] { "health" }, ["event"] = eventName, ["metadata"] = null,
        ["created_at"] = at.ToString("O"), ["updated_at"] = at.ToString("O"),
    };
}
