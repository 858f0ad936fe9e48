using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Tests;

public class OssReadingTests
{
    [Fact]
    public async Task Python_2x_get_all_yields_seven_memories_of_bob()
    {
        var outcomes = await Read.AllAsync(Fixture.Path("python_get_all_2x.json"));

        Assert.Empty(outcomes.Failures());
        var items = outcomes.Items();
        Assert.Equal(7, items.Count(i => i.UserId == "bob"));
        Assert.Equal(7, items.Count);
        Assert.All(items, i => Assert.Empty(i.Categories));
        Assert.Equal(Read.Utc("2026-04-30T09:15:02.310442Z"), items[0].CreatedAt);
    }

    [Fact]
    public async Task Python_2x_run_id_becomes_session_and_agent_and_metadata_are_kept()
    {
        var items = (await Read.AllAsync(Fixture.Path("python_get_all_2x.json"))).Items();

        var mcp = items[3];
        Assert.Equal("chef-bot", mcp.AgentId);
        Assert.Equal("openmemory", mcp.Metadata!.Value.GetProperty("source_app").GetString());
        Assert.Null(items[0].Metadata);

        var run = items[4];
        Assert.Equal("session-2026-05-11", run.SessionId);
        Assert.Equal(Read.Utc("2026-05-13T07:37:12.010465Z"), run.UpdatedAt);
    }

    [Fact]
    public async Task Python_2x_memory_with_past_expiration_date_is_marked_expired()
    {
        var early = (await Read.AllAsync(Fixture.Path("python_get_all_2x.json"))).Items();
        var late = (await Read.AllAsync(Fixture.Path("python_get_all_2x.json"), now: Read.Utc("2026-07-01T00:00:00Z"))).Items();

        Assert.Equal(Read.Utc("2026-06-30T00:00:00Z"), early[6].ExpiresAt);
        Assert.Null(early[6].InactiveReason);
        Assert.Equal("expired", late[6].InactiveReason);
        Assert.Single(late, i => i.InactiveReason is not null);
    }

    [Fact]
    public async Task Python_1x_graph_output_yields_memories_and_ignores_relations()
    {
        var outcomes = await Read.AllAsync(Fixture.Path("python_get_all_1x_graph.json"));

        Assert.Empty(outcomes.Failures());
        var items = outcomes.Items();
        Assert.Equal(2, items.Count(i => i.UserId == "alice"));
        Assert.Equal(2, items.Count);
        Assert.Equal(Read.Utc("2024-08-20T21:09:27.588719Z"), items[0].CreatedAt);
        Assert.Null(items[0].UpdatedAt);
        Assert.Equal("food-assistant", items[0].AgentId);
        Assert.Null(items[1].AgentId);
    }

    [Fact]
    public async Task Python_0x_plain_list_yields_four_memories_of_alice()
    {
        var outcomes = await Read.AllAsync(Fixture.Path("python_get_all_0x_v1_0_plain_list.json"));

        Assert.Empty(outcomes.Failures());
        var items = outcomes.Items();
        Assert.Equal(4, items.Count(i => i.UserId == "alice"));
        Assert.Equal(Read.Utc("2024-11-18T10:05:44.909871Z"), items[2].CreatedAt);
        Assert.Equal(Read.Utc("2025-01-07T19:22:03.00441Z"), items[2].UpdatedAt);
        Assert.Equal(Read.Utc("2025-03-01T08:30:12.000077Z"), items[3].CreatedAt);
        Assert.Equal("travel", items[3].Metadata!.Value.GetProperty("category").GetString());
        Assert.Equal([0L, 1L, 2L, 3L], items.Select(i => i.Position.RecordIndex));
    }
}
