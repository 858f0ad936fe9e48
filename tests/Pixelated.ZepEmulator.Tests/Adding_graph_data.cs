using System.Net;
using Pixelated.ZepEmulator.Tests.Infrastructure;

namespace Pixelated.ZepEmulator.Tests;

public sealed class Adding_graph_data
{
    [Fact]
    public async Task Adding_data_answers_202_with_an_episode_and_stores_it()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");

        var response = await emulator.PostAsync("graph", new
        {
            user_id = "alice",
            type = "json",
            data = """{"memory":"likes tea"}""",
            created_at = "2024-02-03T04:05:06Z",
            metadata = new { mem0_id = "m-1", categories = new[] { "food" } },
            source_description = "mem0 memory",
        });

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        ZepSchemas.AssertValid("ApidataGraphEpisode", response.Json);
        Assert.Equal("""{"memory":"likes tea"}""", response.Json.GetProperty("content").GetString());
        Assert.Equal("json", response.Json.GetProperty("source").GetString());
        Assert.Equal("mem0 memory", response.Json.GetProperty("source_description").GetString());
        Assert.Equal("2024-02-03T04:05:06Z", response.Json.GetProperty("created_at").GetString());
        var stored = Assert.Single(emulator.Store.GetEpisodes("alice"));
        Assert.Equal(response.Json.GetProperty("uuid").GetString(), stored.Uuid);
        Assert.Equal(("alice", "json"), (stored.UserId, stored.Type));
        Assert.Equal(new DateTimeOffset(2024, 2, 3, 4, 5, 6, TimeSpan.Zero), stored.CreatedAt);
        Assert.Equal("m-1", stored.Metadata!["mem0_id"].GetString());
    }

    [Theory]
    [InlineData(10_000, HttpStatusCode.Accepted)]
    [InlineData(10_001, HttpStatusCode.BadRequest)]
    public async Task Data_may_have_at_most_10000_characters(int length, HttpStatusCode expected)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");

        var response = await emulator.PostAsync("graph", new { user_id = "alice", type = "text", data = new string('d', length) });

        Assert.Equal(expected, response.Status);
        if (expected == HttpStatusCode.BadRequest)
        {
            response.AssertZepError(HttpStatusCode.BadRequest);
            Assert.StartsWith("bad request: ", response.Message);
            Assert.Empty(emulator.Store.GetEpisodes("alice"));
        }
    }

    [Fact]
    public async Task Adding_data_for_an_unknown_user_answers_404()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.PostAsync("graph", new { user_id = "ghost", type = "text", data = "x" });

        response.AssertZepError(HttpStatusCode.NotFound, "not found");
    }

    [Theory]
    [InlineData("""{"user_id":"alice","data":"x"}""")]
    [InlineData("""{"user_id":"alice","data":"x","type":"fact_triple"}""")]
    [InlineData("""{"user_id":"alice","data":"x","type":"markdown"}""")]
    [InlineData("""{"user_id":"alice","type":"text"}""")]
    [InlineData("""{"data":"x","type":"text"}""")]
    [InlineData("""{"user_id":"alice","graph_id":"g","data":"x","type":"text"}""")]
    [InlineData("""{"user_id":"alice","data":"not json","type":"json"}""")]
    [InlineData("""{"user_id":"alice","data":"x","type":"text","metadata":{"a":{"b":1}}}""")]
    [InlineData("""{"user_id":"alice","data":"x","type":"text","metadata":{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10}}""")]
    [InlineData("""{"user_id":"alice","data":"x","type":"text","document_id":""}""")]
    [InlineData("""{"user_id":"alice","data":"x","type":"text","created_at":"03/02/2024"}""")]
    public async Task An_invalid_graph_add_body_answers_400(string body)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");

        var response = await emulator.SendAsync(HttpMethod.Post, "graph", body);

        response.AssertZepError(HttpStatusCode.BadRequest);
        Assert.StartsWith("bad request: ", response.Message);
        Assert.Empty(emulator.Store.GetEpisodes("alice"));
    }

    [Fact]
    public async Task A_source_description_over_500_characters_answers_400()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");

        var response = await emulator.PostAsync("graph", new { user_id = "alice", type = "text", data = "x", source_description = new string('s', 501) });

        response.AssertZepError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_same_data_added_twice_is_stored_twice()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");
        var body = new { user_id = "alice", type = "text", data = "same" };

        await emulator.PostAsync("graph", body);
        await emulator.PostAsync("graph", body);

        Assert.Equal(2, emulator.Store.GetEpisodes("alice").Count);
    }

    [Fact]
    public async Task An_episode_can_be_read_by_uuid_and_an_unknown_uuid_answers_404()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");
        var added = await emulator.PostAsync("graph", new { user_id = "alice", type = "text", data = "fact" });
        var uuid = added.Json.GetProperty("uuid").GetString();

        var found = await emulator.GetAsync($"graph/episodes/{uuid}");
        var missing = await emulator.GetAsync($"graph/episodes/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.OK, found.Status);
        ZepSchemas.AssertValid("ApidataGraphEpisode", found.Json);
        Assert.Equal("fact", found.Json.GetProperty("content").GetString());
        missing.AssertZepError(HttpStatusCode.NotFound, "not found");
    }
}
