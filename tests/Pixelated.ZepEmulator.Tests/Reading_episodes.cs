using System.Net;
using Pixelated.ZepEmulator.Tests.Infrastructure;

namespace Pixelated.ZepEmulator.Tests;

public sealed class Reading_episodes
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Adds <paramref name="count"/> episodes "e1".."eN" dated one minute apart, added in reverse date order.</summary>
    private static async Task<TestEmulator> EmulatorWithEpisodesAsync(int count, bool reverseDates = false)
    {
        var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");
        for (var i = 1; i <= count; i++)
        {
            var minutes = reverseDates ? count - i : i;
            var response = await emulator.PostAsync("graph", new
            {
                user_id = "alice",
                type = "text",
                data = $"e{i}",
                created_at = Start.AddMinutes(minutes).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            });
            Assert.Equal(HttpStatusCode.Accepted, response.Status);
        }

        return emulator;
    }

    private static string[] Contents(System.Text.Json.JsonElement episodes) =>
        episodes.EnumerateArray().Select(e => e.GetProperty("content").GetString()!).ToArray();

    [Fact]
    public async Task Lastn_returns_the_most_recent_episodes_by_created_at_oldest_first()
    {
        await using var emulator = await EmulatorWithEpisodesAsync(5, reverseDates: true);

        var response = await emulator.GetAsync("graph/episodes/user/alice?lastn=2");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZepSchemas.AssertValid("ApidataGraphEpisodeResponse", response.Json);
        // e1 has the latest date, e2 the next latest.
        Assert.Equal(["e2", "e1"], Contents(response.Json.GetProperty("episodes")));
    }

    [Fact]
    public async Task Deleting_an_episode_removes_it_from_the_users_graph_and_a_second_delete_answers_404()
    {
        await using var emulator = await EmulatorWithEpisodesAsync(3);
        var uuid = (await emulator.GetAsync("graph/episodes/user/alice?lastn=3")).Json.GetProperty("episodes")[1].GetProperty("uuid").GetString()!;

        var deleted = await emulator.DeleteAsync($"graph/episodes/{uuid}");
        var again = await emulator.DeleteAsync($"graph/episodes/{uuid}");
        var left = await emulator.GetAsync("graph/episodes/user/alice?lastn=3");

        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        ZepSchemas.AssertValid("ApidataSuccessResponse", deleted.Json);
        again.AssertZepError(HttpStatusCode.NotFound, "not found");
        Assert.Equal(["e1", "e3"], Contents(left.Json.GetProperty("episodes")));
        (await emulator.GetAsync($"graph/episodes/{uuid}")).AssertZepError(HttpStatusCode.NotFound, "not found");
    }

    [Fact]
    public async Task Reading_episodes_of_an_unknown_user_answers_404()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync("graph/episodes/user/ghost?lastn=1");

        response.AssertZepError(HttpStatusCode.NotFound, "not found");
    }

    [Fact]
    public async Task Paging_over_more_than_50_episodes_follows_the_zep_next_cursor_header_until_it_is_absent()
    {
        await using var emulator = await EmulatorWithEpisodesAsync(120);
        var seen = new List<string>();
        var pageSizes = new List<int>();
        string? cursor = null;

        do
        {
            var response = await emulator.PostAsync("graph/episodes/user/alice", cursor is null
                ? new { limit = 50, order_by = "created_at", direction = "asc" }
                : (object)new { limit = 50, order_by = "created_at", direction = "asc", cursor });
            Assert.Equal(HttpStatusCode.OK, response.Status);
            ZepSchemas.AssertValidArrayOf("ApidataGraphEpisode", response.Json);
            seen.AddRange(Contents(response.Json));
            pageSizes.Add(response.Json.GetArrayLength());
            cursor = response.Header("Zep-Next-Cursor");
        }
        while (cursor is not null && pageSizes.Count < 10);

        Assert.Equal([50, 50, 20], pageSizes);
        Assert.Equal(Enumerable.Range(1, 120).Select(i => $"e{i}"), seen);
    }

    [Fact]
    public async Task An_explicit_limit_over_50_is_clamped_to_50()
    {
        await using var emulator = await EmulatorWithEpisodesAsync(60);

        var response = await emulator.PostAsync("graph/episodes/user/alice", new { limit = 80 });

        Assert.Equal(50, response.Json.GetArrayLength());
        Assert.NotNull(response.Header("Zep-Next-Cursor"));
    }

    [Fact]
    public async Task Without_limit_the_page_holds_100_episodes()
    {
        await using var emulator = await EmulatorWithEpisodesAsync(101);

        var response = await emulator.PostAsync("graph/episodes/user/alice", new { });

        Assert.Equal(100, response.Json.GetArrayLength());
        Assert.NotNull(response.Header("Zep-Next-Cursor"));
    }

    [Fact]
    public async Task A_single_page_has_no_next_cursor()
    {
        await using var emulator = await EmulatorWithEpisodesAsync(3);

        var response = await emulator.PostAsync("graph/episodes/user/alice", new { limit = 10 });

        Assert.Equal(3, response.Json.GetArrayLength());
        Assert.Null(response.Header("Zep-Next-Cursor"));
    }

    [Fact]
    public async Task Descending_created_at_order_lists_the_newest_first()
    {
        await using var emulator = await EmulatorWithEpisodesAsync(3);

        var response = await emulator.PostAsync("graph/episodes/user/alice", new { order_by = "created_at", direction = "desc" });

        Assert.Equal(["e3", "e2", "e1"], Contents(response.Json));
    }

    [Fact]
    public async Task The_default_order_is_uuid_descending()
    {
        await using var emulator = await EmulatorWithEpisodesAsync(5);

        var response = await emulator.PostAsync("graph/episodes/user/alice", new { });

        var uuids = response.Json.EnumerateArray().Select(e => e.GetProperty("uuid").GetString()!).ToArray();
        Assert.Equal(uuids.OrderDescending(StringComparer.Ordinal), uuids);
    }

    [Fact]
    public async Task A_cursor_the_emulator_did_not_issue_answers_400()
    {
        await using var emulator = await EmulatorWithEpisodesAsync(1);

        var response = await emulator.PostAsync("graph/episodes/user/alice", new { cursor = "not-a-cursor" });

        response.AssertZepError(HttpStatusCode.BadRequest);
    }
}
