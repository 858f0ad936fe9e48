using System.Text.Json;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.IntegrationTests.Support;

/// <summary>Checks the emulator's copy of the data against the test's own reading of the exports.</summary>
public static class ZepAssertions
{
    /// <summary>Every expected memory is on its user's graph exactly once (all parts of a split memory once each), with its original time.</summary>
    public static void EveryMemoryIsInZepExactlyOnce(EmulatorStore store, ExpectedExport expected)
    {
        foreach (var memory in expected.Memories)
        {
            var episodes = store.GetEpisodes(memory.User)
                .Where(e => e.Metadata is not null && e.Metadata.TryGetValue("mem0_id", out var id) && id.GetString() == memory.Id)
                .ToList();
            Assert.True(episodes.Count > 0, $"memory {memory.Id} of {memory.User} is missing from Zep");

            var parts = episodes.Select(e => e.Metadata!.TryGetValue("pxm_part", out var p) ? p.GetString()! : "1/1").ToList();
            Assert.Equal(parts.Count, parts.Distinct().Count()); // no part written twice
            Assert.Equal(int.Parse(parts[0].Split('/')[1]), parts.Count);

            Assert.All(episodes, e => Assert.Equal(memory.CreatedAt, e.CreatedAt.ToUniversalTime()));
            var text = string.Concat(episodes.OrderBy(e => int.Parse(PartOf(e).Split('/')[0])).Select(TextOf));
            Assert.Equal(memory.Text, text);
        }
        foreach (var skipped in expected.Skipped)
        {
            Assert.DoesNotContain(store.GetEpisodes(skipped.User),
                e => e.Metadata is not null && e.Metadata.TryGetValue("mem0_id", out var id) && id.GetString() == skipped.Id);
        }
    }

    /// <summary>Every expected conversation message is in one of its user's threads exactly once, with its original time.</summary>
    public static void EveryMessageIsInZepExactlyOnce(EmulatorStore store, ExpectedExport expected)
    {
        foreach (var group in expected.Messages.GroupBy(m => m.User))
        {
            var stored = store.GetThreadIds(group.Key).SelectMany(store.GetMessages).ToList();
            Assert.Equal(group.Count(), stored.Count);
            foreach (var message in group)
            {
                var match = Assert.Single(stored, s => s.Content == message.Content);
                Assert.Equal(message.CreatedAt, match.CreatedAt.ToUniversalTime());
                Assert.Equal(message.Role, match.Role);
            }
        }
    }

    private static string PartOf(StoredEpisode e) => e.Metadata!.TryGetValue("pxm_part", out var p) ? p.GetString()! : "1/1";

    private static string TextOf(StoredEpisode e)
    {
        if (e.Type != "json") return e.Content;
        using var doc = JsonDocument.Parse(e.Content);
        return doc.RootElement.GetProperty("memory").GetString()!;
    }
}
