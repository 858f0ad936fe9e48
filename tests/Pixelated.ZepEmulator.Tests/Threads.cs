using System.Net;
using Pixelated.ZepEmulator.Tests.Infrastructure;

namespace Pixelated.ZepEmulator.Tests;

public sealed class Threads
{
    [Fact]
    public async Task Creating_a_thread_answers_201_with_a_thread_body()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");

        var response = await emulator.PostAsync("threads", new { thread_id = "t1", user_id = "alice" });

        Assert.Equal(HttpStatusCode.Created, response.Status);
        ZepSchemas.AssertValid("ApidataThread", response.Json);
        Assert.Equal("t1", response.Json.GetProperty("thread_id").GetString());
        Assert.Equal("alice", response.Json.GetProperty("user_id").GetString());
        var user = await emulator.GetAsync("users/alice");
        Assert.Equal(user.Json.GetProperty("uuid").GetString(), response.Json.GetProperty("user_uuid").GetString());
    }

    [Fact]
    public async Task Creating_a_duplicate_thread_answers_400_with_zeps_session_message()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");

        var response = await emulator.PostAsync("threads", new { thread_id = "t1", user_id = "alice" });

        response.AssertZepError(HttpStatusCode.BadRequest, "bad request: session with id t1 already exists");
    }

    [Fact]
    public async Task Creating_a_thread_without_thread_id_answers_400_thread_id_is_required()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");

        var response = await emulator.PostAsync("threads", new { id = "t1", user_id = "alice" });

        response.AssertZepError(HttpStatusCode.BadRequest, "thread_id is required");
    }

    [Fact]
    public async Task Creating_a_thread_for_an_unknown_user_answers_400()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.PostAsync("threads", new { thread_id = "t1", user_id = "ghost" });

        response.AssertZepError(HttpStatusCode.BadRequest, "bad request: user does not exist with user_id: ghost");
        Assert.Equal(0, emulator.Store.GetStats().Threads);
    }

    [Fact]
    public async Task Getting_a_single_thread_is_not_a_route_and_answers_405()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");

        var response = await emulator.GetAsync("threads/t1");

        response.AssertZepError(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Listing_threads_pages_them_with_counts()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        await emulator.CreateThreadAsync("alice", "t2", createUser: false);
        await emulator.CreateThreadAsync("bob", "t3");

        var response = await emulator.GetAsync("threads?page_number=2&page_size=2");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZepSchemas.AssertValid("ApidataThreadListResponse", response.Json);
        Assert.Equal(["t3"], response.Json.GetProperty("threads").EnumerateArray().Select(t => t.GetProperty("thread_id").GetString()));
        Assert.Equal(1, response.Json.GetProperty("response_count").GetInt32());
        Assert.Equal(3, response.Json.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task Deleting_a_thread_removes_its_messages_and_a_second_delete_answers_404()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        await emulator.AddMessagesAsync("t1", new { role = "user", content = "hi" });

        var first = await emulator.DeleteAsync("threads/t1");
        var second = await emulator.DeleteAsync("threads/t1");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        ZepSchemas.AssertValid("ApidataSuccessResponse", first.Json);
        second.AssertZepError(HttpStatusCode.NotFound, "not found");
        Assert.Empty(emulator.Store.GetMessages("t1"));
        Assert.Empty(emulator.Store.GetThreadIds("alice"));
        Assert.True(emulator.Store.UserExists("alice"));
    }

    [Fact]
    public async Task A_users_session_count_follows_its_threads_being_created_and_deleted()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        await emulator.CreateThreadAsync("alice", "t2", createUser: false);
        await emulator.CreateThreadAsync("bob", "t3");

        Assert.Equal(2, (await emulator.GetAsync("users/alice")).Json.GetProperty("session_count").GetInt32());
        Assert.Equal(1, (await emulator.GetAsync("users/bob")).Json.GetProperty("session_count").GetInt32());

        await emulator.DeleteAsync("threads/t1");

        Assert.Equal(1, (await emulator.GetAsync("users/alice")).Json.GetProperty("session_count").GetInt32());
        Assert.Equal(["t2"], emulator.Store.GetThreadIds("alice"));
        Assert.Equal(["t3"], emulator.Store.GetThreadIds("bob"));
    }

    [Fact]
    public async Task A_saved_state_loads_back_with_each_users_threads()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        await emulator.CreateThreadAsync("alice", "t2", createUser: false);
        var file = Path.Combine(Path.GetTempPath(), $"emulator-state-{Guid.NewGuid():N}.json");
        try
        {
            await emulator.Store.SaveAsync(file);
            var loaded = new EmulatorStore();
            await loaded.LoadAsync(file);

            Assert.Equal(["t1", "t2"], loaded.GetThreadIds("alice"));
            Assert.Equal(2, loaded.CountThreadsOfUser("alice"));
            Assert.True(loaded.DeleteUser("alice"));
            Assert.Equal(0, loaded.GetStats().Threads);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
