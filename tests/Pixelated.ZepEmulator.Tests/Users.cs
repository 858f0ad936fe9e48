using System.Net;
using Pixelated.ZepEmulator.Tests.Infrastructure;

namespace Pixelated.ZepEmulator.Tests;

public sealed class Users
{
    [Fact]
    public async Task Creating_a_user_answers_201_with_a_user_body()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.PostAsync("users", new { user_id = "alice", email = "a@example.com", first_name = "Alice", metadata = new { plan = "pro" } });

        Assert.Equal(HttpStatusCode.Created, response.Status);
        ZepSchemas.AssertValid("ApidataUser", response.Json);
        Assert.Equal("alice", response.Json.GetProperty("user_id").GetString());
        Assert.Equal("a@example.com", response.Json.GetProperty("email").GetString());
        Assert.Equal("Alice", response.Json.GetProperty("first_name").GetString());
        Assert.Equal("pro", response.Json.GetProperty("metadata").GetProperty("plan").GetString());
        Assert.True(Guid.TryParse(response.Json.GetProperty("uuid").GetString(), out _));
        Assert.True(emulator.Store.UserExists("alice"));
    }

    [Fact]
    public async Task Creating_a_duplicate_user_answers_400_with_zeps_message()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");

        var response = await emulator.PostAsync("users", new { user_id = "alice" });

        response.AssertZepError(HttpStatusCode.BadRequest, "bad request: user already exists with user_id: alice");
    }

    [Fact]
    public async Task Creating_a_user_without_user_id_answers_400()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.PostAsync("users", new { email = "a@example.com" });

        response.AssertZepError(HttpStatusCode.BadRequest);
        Assert.StartsWith("bad request: ", response.Message);
    }

    [Theory]
    [InlineData(500, HttpStatusCode.Created)]
    [InlineData(501, HttpStatusCode.BadRequest)]
    public async Task A_user_id_may_have_at_most_500_characters(int length, HttpStatusCode expected)
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.PostAsync("users", new { user_id = new string('u', length) });

        Assert.Equal(expected, response.Status);
    }

    [Fact]
    public async Task Getting_a_user_answers_200_and_an_unknown_user_404()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");

        var known = await emulator.GetAsync("users/alice");
        var unknown = await emulator.GetAsync("users/bob");

        Assert.Equal(HttpStatusCode.OK, known.Status);
        ZepSchemas.AssertValid("ApidataUser", known.Json);
        Assert.Equal("alice", known.Json.GetProperty("user_id").GetString());
        unknown.AssertZepError(HttpStatusCode.NotFound, "not found");
    }

    [Fact]
    public async Task Patching_a_user_changes_only_the_fields_sent()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.PostAsync("users", new { user_id = "alice", email = "old@example.com", first_name = "Alice" });

        var response = await emulator.PatchAsync("users/alice", new { email = "new@example.com" });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZepSchemas.AssertValid("ApidataUser", response.Json);
        Assert.Equal("new@example.com", response.Json.GetProperty("email").GetString());
        Assert.Equal("Alice", response.Json.GetProperty("first_name").GetString());
    }

    [Fact]
    public async Task Patching_an_unknown_user_answers_404()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.PatchAsync("users/nobody", new { email = "x@example.com" });

        response.AssertZepError(HttpStatusCode.NotFound, "not found");
    }

    [Fact]
    public async Task Deleting_a_user_removes_its_threads_messages_and_episodes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        await emulator.AddMessagesAsync("t1", new { role = "user", content = "hi" });
        await emulator.PostAsync("graph", new { user_id = "alice", type = "text", data = "fact" });

        var response = await emulator.DeleteAsync("users/alice");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZepSchemas.AssertValid("ApidataSuccessResponse", response.Json);
        Assert.False(emulator.Store.UserExists("alice"));
        Assert.Empty(emulator.Store.GetThreadIds("alice"));
        Assert.Empty(emulator.Store.GetMessages("t1"));
        Assert.Empty(emulator.Store.GetEpisodes("alice"));
        var stats = emulator.Store.GetStats();
        Assert.Equal((0, 0, 0, 0), (stats.Users, stats.Threads, stats.Messages, stats.Episodes));
        (await emulator.GetAsync("threads/t1/messages")).AssertZepError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_an_unknown_user_answers_404()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.DeleteAsync("users/nobody");

        response.AssertZepError(HttpStatusCode.NotFound, "not found");
    }

    [Fact]
    public async Task Users_ordered_pages_users_in_creation_order_with_counts()
    {
        await using var emulator = await TestEmulator.StartAsync();
        foreach (var id in new[] { "c", "a", "b" })
        {
            await emulator.CreateUserAsync(id);
        }

        var first = await emulator.GetAsync("users-ordered?pageNumber=1&pageSize=2");
        var second = await emulator.GetAsync("users-ordered?pageNumber=2&pageSize=2");

        ZepSchemas.AssertValid("ApidataUserListResponse", first.Json);
        ZepSchemas.AssertValid("ApidataUserListResponse", second.Json);
        Assert.Equal(["c", "a"], first.Json.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("user_id").GetString()));
        Assert.Equal(["b"], second.Json.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("user_id").GetString()));
        Assert.Equal(3, first.Json.GetProperty("total_count").GetInt32());
        Assert.Equal(2, first.Json.GetProperty("row_count").GetInt32());
        Assert.Equal(1, second.Json.GetProperty("row_count").GetInt32());
    }

    [Fact]
    public async Task A_users_threads_come_back_as_a_bare_array()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        await emulator.CreateThreadAsync("alice", "t2", createUser: false);
        await emulator.CreateThreadAsync("bob", "t3");

        var response = await emulator.GetAsync("users/alice/threads");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZepSchemas.AssertValidArrayOf("ApidataThread", response.Json);
        Assert.Equal(["t1", "t2"], response.Json.EnumerateArray().Select(t => t.GetProperty("thread_id").GetString()));
        Assert.Equal(["t1", "t2"], emulator.Store.GetThreadIds("alice"));
    }
}
