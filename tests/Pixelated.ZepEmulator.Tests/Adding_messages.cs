using System.Net;
using System.Text.Json;
using Pixelated.ZepEmulator.Tests.Infrastructure;

namespace Pixelated.ZepEmulator.Tests;

public sealed class Adding_messages
{
    private static object Message(string content = "hello", string role = "user") => new { role, content };

    [Fact]
    public async Task Adding_messages_answers_200_with_one_uuid_per_message_and_stores_every_field()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");

        var response = await emulator.AddMessagesAsync(
            "t1",
            new { role = "user", name = "Alice", content = "I moved to Lisbon", created_at = "2024-03-01T10:00:00+01:00", metadata = new { source = "mem0", tags = new[] { "a", "b" }, score = 0.5 } },
            new { role = "assistant", content = "Noted." });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        ZepSchemas.AssertValid("ApidataAddThreadMessagesResponse", response.Json);
        var uuids = response.Json.GetProperty("message_uuids").EnumerateArray().Select(u => u.GetString()).ToArray();
        Assert.True(Guid.TryParse(response.Json.GetProperty("task_id").GetString(), out _));
        var stored = emulator.Store.GetMessages("t1");
        Assert.Equal(uuids, stored.Select(m => m.Uuid));
        var first = stored[0];
        Assert.Equal(("t1", "user", "Alice", "I moved to Lisbon"), (first.ThreadId, first.Role, first.Name, first.Content));
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.FromHours(1)), first.CreatedAt);
        Assert.Equal("mem0", first.Metadata!["source"].GetString());
        Assert.Equal(2, first.Metadata["tags"].GetArrayLength());
        Assert.Null(stored[1].Name);
    }

    [Fact]
    public async Task A_message_without_created_at_is_dated_at_receipt()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var emulator = await TestEmulator.StartAsync(clock: clock);
        await emulator.CreateThreadAsync("alice", "t1");

        await emulator.AddMessagesAsync("t1", Message());

        Assert.Equal(clock.GetUtcNow(), emulator.Store.GetMessages("t1").Single().CreatedAt);
    }

    [Theory]
    [InlineData(30, HttpStatusCode.OK)]
    [InlineData(31, HttpStatusCode.BadRequest)]
    public async Task At_most_30_messages_are_accepted_per_call(int count, HttpStatusCode expected)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");

        var response = await emulator.AddMessagesAsync("t1", Enumerable.Range(0, count).Select(i => Message($"m{i}")).ToArray());

        Assert.Equal(expected, response.Status);
        Assert.Equal(expected == HttpStatusCode.OK ? count : 0, emulator.Store.GetMessages("t1").Count);
        if (expected == HttpStatusCode.BadRequest)
        {
            response.AssertZepError(HttpStatusCode.BadRequest);
            Assert.StartsWith("bad request: ", response.Message);
        }
    }

    [Fact]
    public async Task An_empty_message_list_answers_400()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");

        var response = await emulator.PostAsync("threads/t1/messages", new { messages = Array.Empty<object>() });

        response.AssertZepError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Content_over_4096_characters_answers_400_with_zeps_message()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");

        var response = await emulator.AddMessagesAsync("t1", Message(new string('x', 4097)));

        response.AssertZepError(HttpStatusCode.BadRequest, "bad request: message content exceeds 4096 characters");
        Assert.Empty(emulator.Store.GetMessages("t1"));
    }

    [Fact]
    public async Task Content_of_exactly_4096_characters_is_accepted()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");

        var response = await emulator.AddMessagesAsync("t1", Message(new string('x', 4096)));

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Characters_are_counted_as_code_points_so_4096_emoji_fit()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        var emoji = string.Concat(Enumerable.Repeat("😀", 4096)); // 8192 UTF-16 units

        var accepted = await emulator.AddMessagesAsync("t1", Message(emoji));
        var refused = await emulator.AddMessagesAsync("t1", Message(emoji + "😀"));

        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Theory]
    [InlineData(10, HttpStatusCode.OK)]
    [InlineData(11, HttpStatusCode.BadRequest)]
    public async Task Message_metadata_may_have_at_most_10_keys(int keys, HttpStatusCode expected)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        var metadata = Enumerable.Range(0, keys).ToDictionary(i => $"k{i}", i => (object)i);

        var response = await emulator.AddMessagesAsync("t1", new { role = "user", content = "hi", metadata });

        Assert.Equal(expected, response.Status);
        if (expected == HttpStatusCode.BadRequest)
        {
            response.AssertZepError(HttpStatusCode.BadRequest);
            Assert.StartsWith("bad request: ", response.Message);
        }
    }

    [Theory]
    [InlineData("""{"nested":{"a":1}}""")]
    [InlineData("""{"empty":[]}""")]
    [InlineData("""{"nulls":[null]}""")]
    [InlineData("""{"value":null}""")]
    [InlineData("""{"deep":[{"a":1}]}""")]
    public async Task Message_metadata_values_must_be_scalars_or_arrays_of_scalars(string metadataJson)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        var body = $$"""{"messages":[{"role":"user","content":"hi","metadata":{{metadataJson}}}]}""";

        var response = await emulator.SendAsync(HttpMethod.Post, "threads/t1/messages", body);

        response.AssertZepError(HttpStatusCode.BadRequest);
        Assert.StartsWith("bad request: ", response.Message);
    }

    [Theory]
    [InlineData("norole")]
    [InlineData("system")]
    [InlineData("assistant")]
    [InlineData("user")]
    [InlineData("function")]
    [InlineData("tool")]
    public async Task Every_role_of_the_enum_is_accepted(string role)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");

        var response = await emulator.AddMessagesAsync("t1", Message(role: role));

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Theory]
    [InlineData("human")]
    [InlineData("User")]
    [InlineData("")]
    public async Task A_role_outside_the_enum_answers_400_invalid_role_type(string role)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");

        var response = await emulator.AddMessagesAsync("t1", Message(role: role));

        response.AssertZepError(HttpStatusCode.BadRequest);
        Assert.StartsWith("bad request: invalid role type", response.Message);
    }

    [Fact]
    public async Task Adding_to_an_unknown_thread_answers_404()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.AddMessagesAsync("nope", Message());

        response.AssertZepError(HttpStatusCode.NotFound, "not found");
    }

    [Fact]
    public async Task The_same_message_posted_twice_is_stored_twice()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        var message = new { role = "user", content = "same", created_at = "2024-01-01T00:00:00Z" };

        var first = await emulator.AddMessagesAsync("t1", message);
        var second = await emulator.AddMessagesAsync("t1", message);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        var stored = emulator.Store.GetMessages("t1");
        Assert.Equal(2, stored.Count);
        Assert.All(stored, m => Assert.Equal("same", m.Content));
        Assert.NotEqual(stored[0].Uuid, stored[1].Uuid);
    }

    [Fact]
    public async Task A_malformed_created_at_answers_400()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");

        var response = await emulator.AddMessagesAsync("t1", new { role = "user", content = "hi", created_at = "yesterday" });

        response.AssertZepError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Return_context_true_gives_a_string_context()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");

        var response = await emulator.PostAsync("threads/t1/messages", new { messages = new[] { Message() }, return_context = true });

        ZepSchemas.AssertValid("ApidataAddThreadMessagesResponse", response.Json);
        Assert.Equal(JsonValueKind.String, response.Json.GetProperty("context").ValueKind);
    }
}
