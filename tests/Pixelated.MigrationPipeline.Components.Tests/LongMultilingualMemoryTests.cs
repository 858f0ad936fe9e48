using System.Text.Json;
using System.Text.Json.Nodes;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Validation;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary>Issue 17: structured memories were split at 9,000 characters and then wrapped in JSON that escaped every non-ASCII character.</summary>
public class LongMultilingualMemoryTests
{
    [Fact]
    public void Before_the_fix_a_part_grew_past_zeps_limit_once_wrapped()
    {
        var text = LongMultilingualMemory.Text();
        var before = TextSplitter.Split(text, UserPlanner.MaxEpisodeChars - 1_000); // how parts were cut and measured

        Assert.Contains(before, part => JsonSerializer.Serialize(part).Length > UserPlanner.MaxEpisodeChars);
    }

    [Fact]
    public void The_long_multilingual_session_summary_plans_parts_within_the_limit_as_sent_readable_and_complete()
    {
        var text = LongMultilingualMemory.Text();

        var episodes = UserPlanner.Plan("u1", [Items.Memory("m1", text, metadataJson: LongMultilingualMemory.MetadataJson)]).Episodes;

        Assert.True(episodes.Count >= 2);
        Assert.All(episodes, e => Assert.Equal("json", e.Request.Type));
        Assert.All(episodes, e => Assert.InRange(e.Request.Data.Length, 1, UserPlanner.MaxEpisodeChars));
        Assert.All(episodes, e => Assert.DoesNotContain("\\u", e.Request.Data, StringComparison.Ordinal));
        Assert.Contains("Séance du 12 mars", episodes[0].Request.Data, StringComparison.Ordinal);
        Assert.Contains("👩‍⚕️", string.Concat(episodes.Select(e => e.Request.Data)), StringComparison.Ordinal);
        Assert.Contains("今日はよく眠れませんでした。", string.Concat(episodes.Select(e => e.Request.Data)), StringComparison.Ordinal);

        var data = episodes.Select(e => JsonNode.Parse(e.Request.Data)!.AsObject()).ToList();
        Assert.Equal(text, string.Concat(data.Select(d => d["memory"]!.GetValue<string>())));
        Assert.Equal(Enumerable.Range(1, episodes.Count), data.Select(d => d["part"]!.GetValue<int>()));
        Assert.All(data, d => Assert.Equal(episodes.Count, d["parts"]!.GetValue<int>()));
        Assert.All(data, d => Assert.Equal("session_summary", d["kind"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(LongMultilingualMemory.MetadataJson), data[0]["metadata"]));
        Assert.All(data.Skip(1), d => Assert.False(d.ContainsKey("metadata")));
        Assert.Equal(episodes.Select((_, p) => $"{p + 1}/{episodes.Count}"), episodes.Select(e => e.Request.Metadata!["pxm_part"]!.GetValue<string>()));
        Assert.Equal(episodes.Count, episodes.Select(e => e.Key).Distinct().Count());
    }

    [Fact]
    public void Text_that_escapes_to_six_times_its_length_splits_into_ten_or_more_parts_that_fit()
    {
        var text = string.Concat(Enumerable.Repeat("\u0001\"\\é", 15_000)); // no whitespace; 6 + 2 + 2 + 1 characters once escaped

        var episodes = UserPlanner.Plan("u1", [Items.Memory("m1", text, categories: ["insights"])]).Episodes;

        Assert.InRange(episodes.Count, 10, 99);
        Assert.All(episodes, e => Assert.InRange(e.Request.Data.Length, 1, UserPlanner.MaxEpisodeChars));
        Assert.Equal(text, string.Concat(episodes.Select(e => JsonNode.Parse(e.Request.Data)!["memory"]!.GetValue<string>())));
    }

    [Fact]
    public void Metadata_too_large_for_any_episode_leaves_the_split_as_it_was_for_zep_to_refuse()
    {
        var metadata = JsonSerializer.Serialize(new { type = "traits", note = new string('x', UserPlanner.MaxEpisodeChars) });

        var episode = Assert.Single(UserPlanner.Plan("u1", [Items.Memory("m1", "short", metadataJson: metadata)]).Episodes);

        Assert.True(episode.Request.Data.Length > UserPlanner.MaxEpisodeChars);
    }

    [Fact]
    public void Through_the_batch_api_the_items_carry_the_same_data_as_sent()
    {
        var plan = UserPlanner.Plan("u1", [Items.Memory("m1", LongMultilingualMemory.Text(), metadataJson: LongMultilingualMemory.MetadataJson)]);

        var entries = BatchItemPlanner.Entries(plan, plan.Threads);

        Assert.Equal(plan.Episodes.Select(e => e.Request.Data), entries.Select(e => e.Item.Data));
        Assert.All(entries, e => Assert.True(e.Item.Data!.Length <= UserPlanner.MaxEpisodeChars));
    }

    [Fact]
    public void A_structured_episode_written_with_the_old_escaping_is_the_same_memory_to_validation()
    {
        var plan = UserPlanner.Plan("u1", [Items.Memory("m1", "Séance : l'anxiété 😟 a baissé.", metadataJson: """{"type":"emotional_state","note":"été"}""")]);
        var planned = Assert.Single(plan.Episodes);
        var escapedBefore = JsonNode.Parse(planned.Request.Data)!.ToJsonString(); // System.Text.Json's default escaping, as sent before
        Assert.NotEqual(planned.Request.Data, escapedBefore);

        ZepEpisode Held(string content) => new("e1", content, planned.Request.CreatedAt!, "json", (JsonObject)planned.Request.Metadata!.DeepClone());
        Assert.Empty(PlanComparer.Compare(plan, new HashSet<string> { "memory:m1" }, [Held(escapedBefore)], new Dictionary<string, IReadOnlyList<ZepMessage>>()));

        var other = JsonNode.Parse(planned.Request.Data)!;
        other["memory"] = "Séance : autre chose.";
        var finding = Assert.Single(PlanComparer.Compare(plan, new HashSet<string> { "memory:m1" }, [Held(other.ToJsonString())], new Dictionary<string, IReadOnlyList<ZepMessage>>()));
        Assert.Equal((FindingKind.Differs, "content"), (finding.Kind, finding.Field));
    }
}
