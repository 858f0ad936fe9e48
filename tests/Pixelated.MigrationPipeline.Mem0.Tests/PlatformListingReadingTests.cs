using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Tests;

public class PlatformListingReadingTests
{
    [Fact]
    public async Task V3_page_yields_all_five_memories_of_alice_with_utc_timestamps()
    {
        var outcomes = await Read.AllAsync(Fixture.Path("v3_get_all_page1.json"));

        Assert.Empty(outcomes.Failures());
        var items = outcomes.Items();
        Assert.Equal(5, items.Count);
        Assert.All(items, i => Assert.Equal("alice", i.UserId));
        Assert.All(items, i => Assert.Equal(SourceItemKind.Memory, i.Kind));
        Assert.All(items, i => Assert.Equal(TimeSpan.Zero, i.CreatedAt.Offset));

        var first = items[0];
        Assert.Equal("922f3d9b-20be-461f-9b69-90928701ce93", first.SourceId);
        Assert.Equal(Read.Utc("2026-05-04T16:02:11Z"), first.CreatedAt);
        Assert.Equal(Read.Utc("2026-05-04T16:02:11Z"), first.UpdatedAt);
        Assert.Equal(["personal_details", "professional_details"], first.Categories);
        Assert.Null(first.Metadata);
        Assert.Null(first.SessionId);
        Assert.Equal(new SourcePosition("v3_get_all_page1.json", 0, first.Position.ByteOffset), first.Position);
        Assert.NotNull(first.Position.ByteOffset);

        // µs Pacific timestamp: 2026-06-02T00:15:09.512004-07:00 (structured_attributes say hour 7 UTC).
        Assert.Equal(Read.Utc("2026-06-02T07:15:09.512004Z"), items[4].CreatedAt);
        Assert.Equal(Read.Utc("2026-06-05T07:15:26.903307Z"), items[4].UpdatedAt);
    }

    [Fact]
    public async Task V3_page_carries_agent_session_metadata_and_expiration()
    {
        var items = (await Read.AllAsync(Fixture.Path("v3_get_all_page1.json"))).Items();

        Assert.Equal("scheduling-assistant", items[2].AgentId);
        Assert.Equal("onboarding", items[1].Metadata!.Value.GetProperty("source").GetString());

        var trip = items[3];
        Assert.Equal("trip-planning-2026-06", trip.SessionId);
        Assert.Equal("LIS-2026-06", trip.Metadata!.Value.GetProperty("trip_id").GetString());
        Assert.Equal(["travel"], trip.Categories);
        Assert.Equal(Read.Utc("2026-05-20T19:30:44Z"), trip.CreatedAt);
        Assert.Equal(Read.Utc("2026-07-01T00:00:00Z"), trip.ExpiresAt);
        Assert.Null(trip.InactiveReason);
    }

    [Fact]
    public async Task Memory_whose_expiration_date_has_passed_is_marked_expired()
    {
        var items = (await Read.AllAsync(Fixture.Path("v3_get_all_page1.json"), now: Read.Utc("2026-07-02T00:00:00Z"))).Items();

        Assert.Equal("expired", items[3].InactiveReason);
        Assert.Equal(4, items.Count(i => i.InactiveReason is null));
    }

    [Fact]
    public async Task Docs_v3_example_without_user_id_fails_naming_user_id()
    {
        var outcomes = await Read.AllAsync(Fixture.Path("v3_get_all__docs_migration_platform_v2_to_v3.json"));

        var failure = Assert.Single(outcomes.Failures());
        Assert.Empty(outcomes.Items());
        Assert.Equal("user_id", failure.Field);
        Assert.Equal(0, failure.Position.RecordIndex);
        Assert.Equal("mem-uuid", failure.SourceId);
        Assert.NotNull(failure.Position.ByteOffset);
    }

    [Fact]
    public async Task Plain_v2_list_yields_one_memory_of_alex()
    {
        var item = Assert.Single((await Read.AllAsync(Fixture.Path("v2_get_all_plain_list__docs_2025_03.json"))).Items());

        Assert.Equal("alex", item.UserId);
        Assert.Equal("f38b689d-6b24-45b7-bced-17fbb4d8bac7", item.SourceId);
        Assert.Equal(Read.Utc("2024-07-26T06:57:00.108347Z"), item.CreatedAt);
        Assert.Equal(["food_preferences"], item.Categories);
    }

    [Fact]
    public async Task Paginated_v2_object_yields_the_same_memory_as_the_plain_list()
    {
        var item = Assert.Single((await Read.AllAsync(Fixture.Path("v2_get_all_paginated__docs_2025_03.json"))).Items());

        Assert.Equal("alex", item.UserId);
        Assert.Equal(Read.Utc("2024-07-26T06:57:00.108367Z"), item.UpdatedAt);
    }

    [Fact]
    public async Task Langchain_paginated_page_yields_three_memories_with_date_shifted_to_utc()
    {
        var outcomes = await Read.AllAsync(Fixture.Path("v1_get_all_paginated__docs_langchain_tools.json"));

        Assert.Empty(outcomes.Failures());
        var items = outcomes.Items();
        Assert.Equal(3, items.Count(i => i.UserId == "alex"));
        Assert.Equal(3, items.Count);
        // 16:53 on the 27th in -08:00 is the 28th in UTC.
        Assert.Equal(Read.Utc("2024-11-28T00:53:43.276872Z"), items[0].CreatedAt);
        Assert.Equal(["user_preferences", "food"], items[1].Categories);
        Assert.All(items, i => Assert.Equal("vegan", i.Metadata!.Value.GetProperty("food").GetString()));
    }

    [Fact]
    public async Task Paginated_page_with_categories_yields_two_memories_of_alex123()
    {
        var items = (await Read.AllAsync(Fixture.Path("v1_get_all_paginated_categories__docs_2025_03.json"))).Items();

        Assert.Equal(2, items.Count(i => i.UserId == "alex123"));
        Assert.Equal(["likes", "food_preferences"], items[0].Categories);
        Assert.Equal(Read.Utc("2024-07-26T07:25:16.566471Z"), items[0].CreatedAt);
        Assert.Equal(Read.Utc("2024-07-26T07:33:20.35056Z"), items[1].UpdatedAt);
    }

    [Fact]
    public async Task Nested_v1_1_docs_page_of_agent_memories_fails_each_record_for_missing_user_id()
    {
        var outcomes = await Read.AllAsync(Fixture.Path("v1_1_get_all_nested_results__docs_2025_03.json"));

        Assert.Empty(outcomes.Items());
        Assert.Equal(2, outcomes.Count);
        Assert.All(outcomes.Failures(), f => Assert.Equal("user_id", f.Field));
        Assert.Equal([0L, 1L], outcomes.Failures().Select(f => f.Position.RecordIndex));
    }

    [Fact]
    public async Task Sdk_results_wrapper_with_search_scores_yields_the_memory()
    {
        var item = Assert.Single((await Read.AllAsync(Fixture.Path("v1_search_results__docs_langchain_tools.json"))).Items());

        Assert.Equal("1a75e827-7eca-45ea-8c5c-cfd43299f061", item.SourceId);
        Assert.Equal(JsonValueKind.Object, item.Metadata!.Value.ValueKind);
    }
}
