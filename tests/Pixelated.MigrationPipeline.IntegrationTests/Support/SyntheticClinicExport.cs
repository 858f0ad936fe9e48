using System.Text.Json;

namespace Pixelated.MigrationPipeline.IntegrationTests.Support;

/// <summary>
/// A deterministic clinic export for fault tests: a Platform v3 page of memories (some long enough to be split, some
/// structured) and a Platform history file with conversations, written to a temp folder.
/// </summary>
public static class SyntheticClinicExport
{
    private static readonly string[] Sentences =
    [
        "Reported sleeping about six hours most nights this week.",
        "Practised the 4-7-8 breathing exercise before the commute.",
        "Felt anxious before the Monday team meeting but stayed for all of it.",
        "Journaling in the evening helped notice catastrophic thoughts.",
        "Took the prescribed medication every morning without missing a dose.",
        "Walked for twenty minutes on four days; mood noticeably better afterwards.",
        "Described a disagreement with a sibling and how it was repaired.",
        "Wants to work on saying no to extra shifts without guilt.",
        "Zoë, Søren and 李雷 were mentioned as supportive friends. 🌿",
    ];

    public static string[] Write(string folder, int users, int memoriesPerUser, int messagesPerUser, int seed = 42)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(-8));
        var memories = new List<object>();
        var history = new List<object>();
        for (var u = 0; u < users; u++)
        {
            var user = $"patient-{u:0000}";
            for (var m = 0; m < memoriesPerUser; m++)
            {
                var sentences = m % 17 == 16 ? 220 : random.Next(1, 4); // every 17th memory is over 10,000 characters
                var text = string.Join(' ', Enumerable.Range(0, sentences).Select(_ => Sentences[random.Next(Sentences.Length)]));
                var structured = m % 7 == 3;
                memories.Add(new Dictionary<string, object?>
                {
                    ["id"] = $"mem-{u:0000}-{m:000}",
                    ["memory"] = text,
                    ["user_id"] = user,
                    ["agent_id"] = null, ["app_id"] = null, ["session_id"] = null,
                    ["metadata"] = structured ? new Dictionary<string, object> { ["type"] = "emotional_state" } : null,
                    ["categories"] = structured ? new[] { "emotional_state" } : new[] { "health" },
                    ["structured_attributes"] = null, ["replaced_by"] = null, ["synthesized"] = false, ["expiration_date"] = null,
                    ["created_at"] = start.AddHours(u * 5 + m).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz"),
                    ["updated_at"] = null,
                });
            }
            for (var h = 0; h < messagesPerUser / 2; h++)
            {
                history.Add(new Dictionary<string, object?>
                {
                    ["id"] = $"hist-{u:0000}-{h:000}",
                    ["memory_id"] = $"mem-{u:0000}-000",
                    ["input"] = new[]
                    {
                        new { role = "user", content = $"{Sentences[random.Next(Sentences.Length)]} (turn {h})" },
                        new { role = h % 3 == 0 ? "ai_therapist" : "assistant", content = $"Thank you for sharing that, let us look at it together (turn {h})." },
                    },
                    ["user_id"] = user, ["agent_id"] = null, ["app_id"] = null,
                    ["session_id"] = $"session-{u:0000}-{h / 10}",
                    ["categories"] = null, ["event"] = "ADD", ["metadata"] = null,
                    ["old_memory"] = null, ["new_memory"] = "x",
                    ["created_at"] = start.AddHours(u * 5).AddMinutes(h).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz"),
                    ["updated_at"] = null,
                });
            }
        }
        Directory.CreateDirectory(folder);
        var page = Path.Combine(folder, "clinic-memories.json");
        File.WriteAllText(page, JsonSerializer.Serialize(new { count = memories.Count, next = (string?)null, previous = (string?)null, results = memories }));
        var conversations = Path.Combine(folder, "clinic-history.json");
        File.WriteAllText(conversations, JsonSerializer.Serialize(history));
        return [page, conversations];
    }
}
