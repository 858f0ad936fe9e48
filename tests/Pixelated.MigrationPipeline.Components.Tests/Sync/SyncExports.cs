using System.Text.Json;

namespace Pixelated.MigrationPipeline.Components.Tests.Sync;

/// <summary>
/// Two exports of one small mem0 source written into a temp folder, each a folder with a Platform v3 listing and a Platform
/// history file. The newer one: memory m1's text changed, m2 unchanged, m3 deleted (a history DELETE row), m4 new, and two
/// new messages in session s1; user u2's m5 unchanged. With <see cref="Write"/>'s <c>dropUnchanged</c>, m2 is absent from
/// the newer listing (a full export would say it was deleted).
/// </summary>
public sealed class SyncExports : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("pixelated-sync-").FullName;
    public string Older => Path.Combine(Root, "old");
    public string Newer => Path.Combine(Root, "new");

    public SyncExports Write(bool dropUnchanged = false)
    {
        Directory.CreateDirectory(Older);
        Directory.CreateDirectory(Newer);
        File.WriteAllText(Path.Combine(Older, "listing.json"), Page(Memory(1, "one"), Memory(2, "two"), Memory(3, "three"), Memory(5, "five", "u2")));
        File.WriteAllText(Path.Combine(Older, "history.json"), Json(History("h1", "m1", "ADD", ("user", "hi"), ("assistant", "hello"))));
        var newer = new List<object> { Memory(1, "one, changed"), Memory(4, "four"), Memory(5, "five", "u2") };
        if (!dropUnchanged) newer.Insert(1, Memory(2, "two"));
        File.WriteAllText(Path.Combine(Newer, "listing.json"), Page([.. newer]));
        File.WriteAllText(Path.Combine(Newer, "history.json"), Json(
            History("h1", "m1", "ADD", ("user", "hi"), ("assistant", "hello")),
            History("h2", "m4", "ADD", ("user", "more"), ("assistant", "sure")),
            History("h3", "m3", "DELETE")));
        return this;
    }

    private static Dictionary<string, object?> Memory(int i, string text, string user = "u1") => new()
    {
        ["id"] = $"m{i}", ["memory"] = text, ["user_id"] = user, ["created_at"] = $"2026-01-0{i}T10:00:00Z", ["metadata"] = null, ["categories"] = Array.Empty<string>(),
    };

    private static Dictionary<string, object?> History(string id, string memoryId, string @event, params (string Role, string Content)[] input) => new()
    {
        ["id"] = id, ["memory_id"] = memoryId, ["input"] = input.Select(m => new { role = m.Role, content = m.Content }).ToArray(),
        ["old_memory"] = @event == "DELETE" ? "three" : null, ["new_memory"] = @event == "DELETE" ? null : "x", ["user_id"] = "u1",
        ["session_id"] = "s1", ["categories"] = Array.Empty<string>(), ["event"] = @event, ["metadata"] = null, ["created_at"] = "2026-01-07T10:00:00Z",
    };

    private static string Page(params object[] results) =>
        JsonSerializer.Serialize(new Dictionary<string, object?> { ["count"] = results.Length, ["next"] = null, ["previous"] = null, ["results"] = results });

    private static string Json(params object[] rows) => JsonSerializer.Serialize(rows);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
