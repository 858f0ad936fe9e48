using System.Net;
using Pixelated.ZepEmulator.Tests.Infrastructure;

namespace Pixelated.ZepEmulator.Tests;

/// <summary>The deprecated <c>POST /graph-batch</c> (graph.addBatch, CONTRACT.md §6.1): up to 20 episodes of one graph in one call.</summary>
public sealed class Adding_graph_data_in_batch_mode
{
    private static object Episode(int i) => new
    {
        type = "text",
        data = $"memory {i}",
        created_at = $"2024-02-03T04:05:{i:00}Z",
        metadata = new { mem0_id = $"m-{i}" },
        source_description = "mem0 memory",
    };

    [Fact]
    public async Task Twenty_episodes_answer_202_with_the_episodes_in_order_and_are_stored()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");

        var response = await emulator.PostAsync("graph-batch", new { user_id = "alice", episodes = Enumerable.Range(0, 20).Select(Episode).ToArray() });

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        var episodes = response.Json.EnumerateArray().ToList();
        Assert.Equal(20, episodes.Count);
        Assert.All(episodes, e => ZepSchemas.AssertValid("ApidataGraphEpisode", e));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"memory {i}"), episodes.Select(e => e.GetProperty("content").GetString()));
        var stored = emulator.Store.GetEpisodes("alice");
        Assert.Equal(episodes.Select(e => e.GetProperty("uuid").GetString()), stored.Select(e => e.Uuid));
        Assert.Equal("m-7", stored[7].Metadata!["mem0_id"].GetString());
        Assert.Equal(new DateTimeOffset(2024, 2, 3, 4, 5, 7, TimeSpan.Zero), stored[7].CreatedAt);
        Assert.Equal("mem0 memory", stored[7].SourceDescription);
    }

    [Fact]
    public async Task More_than_20_episodes_answer_400_and_store_nothing()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");

        var response = await emulator.PostAsync("graph-batch", new { user_id = "alice", episodes = Enumerable.Range(0, 21).Select(Episode).ToArray() });

        response.AssertZepError(HttpStatusCode.BadRequest);
        Assert.StartsWith("bad request: ", response.Message);
        Assert.Empty(emulator.Store.GetEpisodes("alice"));
    }

    [Fact]
    public async Task One_invalid_episode_refuses_the_call_naming_its_index_and_stores_nothing()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");
        var episodes = Enumerable.Range(0, 3).Select(Episode).Append(new { type = "text", data = new string('d', 10_001) }).ToArray();

        var response = await emulator.PostAsync("graph-batch", new { user_id = "alice", episodes });

        response.AssertZepError(HttpStatusCode.BadRequest);
        Assert.StartsWith("bad request: episodes[3]: data exceeds", response.Message);
        Assert.Empty(emulator.Store.GetEpisodes("alice"));
    }

    [Fact]
    public async Task An_unknown_user_answers_404_and_stores_nothing()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.PostAsync("graph-batch", new { user_id = "ghost", episodes = new[] { Episode(1), Episode(2) } });

        response.AssertZepError(HttpStatusCode.NotFound, "not found");
        Assert.Equal(0, emulator.Store.GetStats().Episodes);
    }
}
