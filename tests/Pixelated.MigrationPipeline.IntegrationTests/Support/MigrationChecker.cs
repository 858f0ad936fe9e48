using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.IntegrationTests.Support;

/// <summary>
/// Compares the export (the test's own reading of it) with what the emulator holds: every expected item lost,
/// duplicated, or unexpected (in Zep but in no export) is listed by key, never by content.
/// </summary>
public static class MigrationChecker
{
    public sealed record Result(IReadOnlyList<string> Lost, IReadOnlyList<string> Duplicated, IReadOnlyList<string> Unexpected)
    {
        public override string ToString() =>
            $"lost {Lost.Count}, duplicated {Duplicated.Count}, unexpected {Unexpected.Count}: "
            + string.Join(", ", Lost.Take(5).Select(k => "lost " + k).Concat(Duplicated.Take(5).Select(k => "dup " + k)).Concat(Unexpected.Take(5).Select(k => "extra " + k)));
    }

    public static Result Check(EmulatorStore store, ExpectedExport expected)
    {
        List<string> lost = [], duplicated = [], unexpected = [];
        var users = expected.Users.ToHashSet();

        var expectedIds = expected.Memories.ToDictionary(m => m.Id);
        foreach (var user in users)
        {
            foreach (var byId in store.GetEpisodes(user).GroupBy(e => Meta(e.Metadata, "mem0_id") ?? "(none)"))
            {
                if (!expectedIds.ContainsKey(byId.Key)) { unexpected.Add($"episode {byId.Key}"); continue; }
                var parts = byId.GroupBy(e => Meta(e.Metadata, "pxm_part") ?? "1/1").ToList();
                if (parts.Any(p => p.Count() > 1)) duplicated.Add($"memory {byId.Key}");
                var total = int.Parse(parts[0].Key.Split('/')[1]);
                if (parts.Count != total) lost.Add($"memory {byId.Key} (parts)");
            }
        }
        foreach (var memory in expected.Memories)
        {
            if (!store.GetEpisodes(memory.User).Any(e => Meta(e.Metadata, "mem0_id") == memory.Id)) lost.Add($"memory {memory.Id}");
        }

        foreach (var group in expected.Messages.GroupBy(m => m.User))
        {
            var stored = store.GetThreadIds(group.Key).SelectMany(store.GetMessages).ToList();
            var expectedContents = group.Select(m => m.Content).ToHashSet();
            foreach (var message in group.Select((m, i) => (m, i)))
            {
                var count = stored.Count(s => s.Content == message.m.Content);
                if (count == 0) lost.Add($"message {group.Key}#{message.i}");
                if (count > 1) duplicated.Add($"message {group.Key}#{message.i}");
            }
            unexpected.AddRange(stored.Where(s => !expectedContents.Contains(s.Content)).Select(s => $"message {s.Uuid}"));
        }
        var extraUsers = store.GetStats().Users - users.Count;
        if (extraUsers > 0) unexpected.Add($"{extraUsers} user(s)");
        return new Result(lost, duplicated, unexpected);
    }

    private static string? Meta(IReadOnlyDictionary<string, System.Text.Json.JsonElement>? metadata, string key) =>
        metadata is not null && metadata.TryGetValue(key, out var v) ? v.ToString() : null;
}
