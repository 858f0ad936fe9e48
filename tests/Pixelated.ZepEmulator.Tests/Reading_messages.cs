using System.Net;
using Pixelated.ZepEmulator.Tests.Infrastructure;

namespace Pixelated.ZepEmulator.Tests;

public sealed class Reading_messages
{
    private static async Task<TestEmulator> EmulatorWithMessagesAsync(int count)
    {
        var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        foreach (var chunk in Enumerable.Range(1, count).Chunk(30))
        {
            var response = await emulator.AddMessagesAsync("t1", chunk.Select(i => (object)new { role = "user", content = $"m{i}" }).ToArray());
            Assert.Equal(HttpStatusCode.OK, response.Status);
        }

        return emulator;
    }

    private static string[] Contents(ZepResponse response) =>
        response.Json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()!).ToArray();

    [Fact]
    public async Task Messages_come_back_oldest_first_with_thread_details()
    {
        await using var emulator = await EmulatorWithMessagesAsync(3);

        var response = await emulator.GetAsync("threads/t1/messages");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZepSchemas.AssertValid("ApidataThreadMessageListResponse", response.Json);
        Assert.Equal(["m1", "m2", "m3"], Contents(response));
        Assert.Equal(3, response.Json.GetProperty("row_count").GetInt32());
        Assert.Equal(3, response.Json.GetProperty("total_count").GetInt32());
        Assert.Equal("alice", response.Json.GetProperty("user_id").GetString());
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("user_uuid").GetString()));
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("thread_created_at").GetString()));
        var first = response.Json.GetProperty("messages")[0];
        foreach (var field in new[] { "uuid", "created_at", "role", "name", "content", "metadata", "processed" })
        {
            Assert.True(first.TryGetProperty(field, out _), $"message lacks {field}");
        }
    }

    [Fact]
    public async Task Limit_and_cursor_page_through_messages_with_cursor_as_a_1_based_page_number()
    {
        await using var emulator = await EmulatorWithMessagesAsync(5);

        var page1 = await emulator.GetAsync("threads/t1/messages?limit=2&cursor=1");
        var page2 = await emulator.GetAsync("threads/t1/messages?limit=2&cursor=2");
        var page3 = await emulator.GetAsync("threads/t1/messages?limit=2&cursor=3");
        var page4 = await emulator.GetAsync("threads/t1/messages?limit=2&cursor=4");

        Assert.Equal(["m1", "m2"], Contents(page1));
        Assert.Equal(["m3", "m4"], Contents(page2));
        Assert.Equal(["m5"], Contents(page3));
        Assert.Empty(Contents(page4));
        Assert.Equal(2, page2.Json.GetProperty("row_count").GetInt32());
        Assert.Equal(5, page2.Json.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task Lastn_returns_the_most_recent_messages_in_chronological_order_and_overrides_limit_and_cursor()
    {
        await using var emulator = await EmulatorWithMessagesAsync(5);

        var response = await emulator.GetAsync("threads/t1/messages?lastn=2&limit=1&cursor=1");

        ZepSchemas.AssertValid("ApidataThreadMessageListResponse", response.Json);
        Assert.Equal(["m4", "m5"], Contents(response));
    }

    [Fact]
    public async Task Without_limit_at_most_100_messages_are_returned()
    {
        await using var emulator = await EmulatorWithMessagesAsync(120);

        var response = await emulator.GetAsync("threads/t1/messages");
        var second = await emulator.GetAsync("threads/t1/messages?cursor=2");

        Assert.Equal(100, Contents(response).Length);
        Assert.Equal(120, response.Json.GetProperty("total_count").GetInt32());
        Assert.Equal(Enumerable.Range(101, 20).Select(i => $"m{i}"), Contents(second));
    }

    [Fact]
    public async Task Reading_an_unknown_thread_answers_404()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync("threads/nope/messages?lastn=1");

        response.AssertZepError(HttpStatusCode.NotFound, "not found");
    }

    [Fact]
    public async Task A_non_numeric_limit_answers_400()
    {
        await using var emulator = await EmulatorWithMessagesAsync(1);

        var response = await emulator.GetAsync("threads/t1/messages?limit=ten");

        response.AssertZepError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Created_at_given_by_the_caller_is_echoed_on_read()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        await emulator.AddMessagesAsync("t1", new { role = "user", content = "old", created_at = "2023-05-06T07:08:09Z" });

        var response = await emulator.GetAsync("threads/t1/messages");

        Assert.Equal("2023-05-06T07:08:09Z", response.Json.GetProperty("messages")[0].GetProperty("created_at").GetString());
    }
}
