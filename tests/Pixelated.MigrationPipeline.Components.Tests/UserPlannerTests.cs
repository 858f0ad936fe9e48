using System.Text.Json;
using Pixelated.MigrationPipeline.Components.Conversion;

namespace Pixelated.MigrationPipeline.Components.Tests;

public class UserPlannerTests
{
    [Fact]
    public void A_memory_becomes_a_text_episode_with_its_original_time_and_key()
    {
        var plan = UserPlanner.Plan("u1", [Items.Memory("m1", "Prefers morning sessions.", Items.T0)]);

        var episode = Assert.Single(plan.Episodes);
        Assert.Equal("text", episode.Request.Type);
        Assert.Equal("u1", episode.Request.UserId);
        Assert.Equal("Prefers morning sessions.", episode.Request.Data);
        Assert.Equal(Items.T0, DateTimeOffset.Parse(episode.Request.CreatedAt!));
        Assert.Equal(episode.Key, episode.Request.Metadata![IdempotencyKey.MetadataKey]!.GetValue<string>());
        Assert.True(episode.Request.Metadata.Count <= 10);
    }

    [Fact]
    public void A_structured_memory_becomes_a_json_episode()
    {
        var plan = UserPlanner.Plan("u1", [Items.Memory("m1", "Anxious before exams.", categories: ["Emotional State"])]);

        var episode = Assert.Single(plan.Episodes);
        Assert.Equal("json", episode.Request.Type);
        using var data = JsonDocument.Parse(episode.Request.Data);
        Assert.Equal("emotional_state", data.RootElement.GetProperty("kind").GetString());
        Assert.Equal("Anxious before exams.", data.RootElement.GetProperty("memory").GetString());
    }

    [Fact]
    public void A_memory_over_10000_characters_is_split_into_keyed_parts()
    {
        var text = string.Concat(Enumerable.Repeat("A long clinical note sentence. ", 800));
        var plan = UserPlanner.Plan("u1", [Items.Memory("m1", text)]);

        Assert.True(plan.Episodes.Count >= 3);
        Assert.All(plan.Episodes, e => Assert.True(e.Request.Data.Length <= UserPlanner.MaxEpisodeChars));
        Assert.Equal(plan.Episodes.Count, plan.Episodes.Select(e => e.Key).Distinct().Count());
        Assert.Equal(text, string.Concat(plan.Episodes.Select(e => e.Request.Data)));
    }

    [Fact]
    public void Messages_go_in_calls_of_at_most_30_in_chronological_order()
    {
        var messages = Enumerable.Range(0, 75).Select(i => Items.Message($"h1:input:{i}", $"message {i}", i % 2 == 0 ? "user" : "assistant", i)).Reverse();

        var plan = UserPlanner.Plan("u1", messages);

        var thread = Assert.Single(plan.Threads);
        Assert.Equal([30, 30, 15], thread.Batches.Select(b => b.Messages.Count));
        var contents = thread.Batches.SelectMany(b => b.Messages).Select(m => m.Message.Content).ToList();
        Assert.Equal(Enumerable.Range(0, 75).Select(i => $"message {i}"), contents);
    }

    [Fact]
    public void A_message_over_4096_characters_becomes_several_messages_of_the_same_role()
    {
        var text = string.Concat(Enumerable.Repeat("I keep thinking about what happened. ", 300));
        var plan = UserPlanner.Plan("u1", [Items.Message("h1:input:0", text, "therapist", 0)]);

        var parts = plan.Threads.Single().Batches.SelectMany(b => b.Messages).ToList();
        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.True(p.Message.Content.Length <= UserPlanner.MaxMessageChars));
        Assert.All(parts, p => Assert.Equal("user", p.Message.Role));
        Assert.All(parts, p => Assert.Equal("therapist", p.Message.Metadata!["mem0_role"]!.GetValue<string>()));
        Assert.Equal(text, string.Concat(parts.Select(p => p.Message.Content)));
    }

    [Fact]
    public void Keys_depend_on_the_source_not_on_the_run_so_a_rerun_plans_the_same_keys()
    {
        var items = new[] { Items.Memory("m1", "a"), Items.Memory("m2", "b"), Items.Message("h1:input:0", "hi", "user", 0) };

        var first = UserPlanner.Plan("u1", items).AllKeys.ToList();
        var second = UserPlanner.Plan("u1", items.Reverse()).AllKeys.ToList();

        Assert.Equal(first.Order(), second.Order());
        Assert.Equal(first.Count, first.Distinct().Count());
    }

    [Fact]
    public void Sessions_of_different_users_never_share_a_thread_id()
    {
        Assert.NotEqual(UserPlanner.ThreadIdFor("u1", "s"), UserPlanner.ThreadIdFor("u2", "s"));
        Assert.True(UserPlanner.ThreadIdFor(new string('x', 600), "s").Length <= 500);
    }
}
