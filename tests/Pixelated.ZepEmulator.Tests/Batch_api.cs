using System.Net;
using System.Text.Json;
using Pixelated.ZepEmulator.Tests.Infrastructure;

namespace Pixelated.ZepEmulator.Tests;

public sealed class Batch_api
{
    private static object Episode(string data = "fact", string userId = "alice") =>
        new { type = "graph_episode", user_id = userId, data, data_type = "text" };

    private static object Message(string content = "hello", string threadId = "t1") =>
        new { type = "thread_message", thread_id = threadId, content, role = "user" };

    private static async Task<string> CreateBatchAsync(TestEmulator emulator)
    {
        var response = await emulator.PostAsync("batches", new { });
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return response.Json.GetProperty("batch_id").GetString()!;
    }

    private static Task<ZepResponse> AddItemsAsync(TestEmulator emulator, string batchId, params object[] items) =>
        emulator.PostAsync($"batches/{batchId}/items", new { items });

    private static async Task<JsonElement> WaitUntilDoneAsync(TestEmulator emulator, string batchId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var summary = (await emulator.GetAsync($"batches/{batchId}")).Json;
            if (summary.GetProperty("status").GetString() is "succeeded" or "partial" or "failed")
            {
                return summary;
            }

            Assert.True(DateTime.UtcNow < deadline, "batch did not finish in time");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_batch_goes_from_draft_to_succeeded_and_its_items_are_readable_through_the_normal_endpoints()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");

        var created = await emulator.PostAsync("batches", new { metadata = new { source = "mem0" }, ignore_roles = new[] { "assistant" }, strict_ontology = true });
        ZepSchemas.AssertValid("ApidataBatchSummary", created.Json);
        Assert.Equal("draft", created.Json.GetProperty("status").GetString());
        Assert.Equal("mem0", created.Json.GetProperty("metadata").GetProperty("source").GetString());
        Assert.True(created.Json.GetProperty("strict_ontology").GetBoolean());
        var batchId = created.Json.GetProperty("batch_id").GetString()!;

        var added = await AddItemsAsync(
            emulator,
            batchId,
            new
            {
                type = "graph_episode", user_id = "alice", data = """{"memory":"likes tea"}""", data_type = "json",
                created_at = "2024-01-02T03:04:05+02:00", metadata = new { mem0_id = "m-1", tags = new[] { "food" } },
                source_description = "mem0 memory", document_id = "doc-1",
            },
            new { type = "graph_episode", graph_id = "agent-graph", data = "agent note", data_type = "text" },
            new { type = "thread_message", thread_id = "t1", role = "user", name = "Alice", content = "I moved to Lisbon", created_at = "2024-03-01T10:00:00Z", metadata = new { mem0_id = "m-2" } },
            new { type = "thread_message", thread_id = "t1", role = "assistant", content = "Noted." });

        Assert.Equal(HttpStatusCode.OK, added.Status);
        ZepSchemas.AssertValidArrayOf("ApidataBatchItemDetail", added.Json);
        var details = added.Json.EnumerateArray().ToArray();
        Assert.Equal([0, 1, 2, 3], details.Select(d => d.GetProperty("sequence_index").GetInt32()));
        Assert.All(details, d => Assert.Equal("pending", d.GetProperty("status").GetString()));
        Assert.Equal(["graph_episode", "graph_episode", "thread_message", "thread_message"], details.Select(d => d.GetProperty("kind").GetString()));
        Assert.Equal("alice", details[0].GetProperty("user_id").GetString());
        Assert.Equal("agent-graph", details[1].GetProperty("graph_id").GetString());
        Assert.Equal(("t1", "alice"), (details[2].GetProperty("thread_id").GetString(), details[2].GetProperty("user_id").GetString()));
        Assert.All(details, d => Assert.Equal(d.GetProperty("episode_uuid").GetString(), d.GetProperty("source_uuid").GetString()));

        var processed = await emulator.PostAsync($"batches/{batchId}/process", new { });
        Assert.Equal(HttpStatusCode.OK, processed.Status);
        ZepSchemas.AssertValid("ApidataBatchSummary", processed.Json);
        Assert.Equal("queued", processed.Json.GetProperty("status").GetString());
        Assert.True(processed.Json.TryGetProperty("processed_at", out _));

        var done = await WaitUntilDoneAsync(emulator, batchId);
        ZepSchemas.AssertValid("ApidataBatchSummary", done);
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var progress = done.GetProperty("progress");
        Assert.Equal((4, 4, 0, 100.0), (progress.GetProperty("total_items").GetInt32(), progress.GetProperty("succeeded_items").GetInt32(),
            progress.GetProperty("failed_items").GetInt32(), progress.GetProperty("percent_complete").GetDouble()));
        Assert.True(done.TryGetProperty("completed_at", out _));

        var episodes = await emulator.GetAsync("graph/episodes/user/alice?lastn=10");
        var episode = Assert.Single(episodes.Json.GetProperty("episodes").EnumerateArray());
        ZepSchemas.AssertValid("ApidataGraphEpisode", episode);
        Assert.Equal(details[0].GetProperty("episode_uuid").GetString(), episode.GetProperty("uuid").GetString());
        Assert.Equal("2024-01-02T03:04:05+02:00", episode.GetProperty("created_at").GetString());
        Assert.Equal("m-1", episode.GetProperty("metadata").GetProperty("mem0_id").GetString());
        Assert.Equal(batchId, episode.GetProperty("task_id").GetString());
        Assert.Equal(("json", "mem0 memory", "doc-1"), (episode.GetProperty("source").GetString(), episode.GetProperty("source_description").GetString(), episode.GetProperty("document_id").GetString()));
        var graphEpisode = Assert.Single(emulator.Store.GetGraphEpisodes("agent-graph"));
        Assert.Equal(batchId, graphEpisode.TaskId);

        var messages = (await emulator.GetAsync("threads/t1/messages")).Json.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(["I moved to Lisbon", "Noted."], messages.Select(m => m.GetProperty("content").GetString()));
        Assert.Equal("2024-03-01T10:00:00Z", messages[0].GetProperty("created_at").GetString());
        Assert.Equal("m-2", messages[0].GetProperty("metadata").GetProperty("mem0_id").GetString());
        Assert.Equal("Alice", messages[0].GetProperty("name").GetString());
        Assert.Equal(details[2].GetProperty("episode_uuid").GetString(), messages[0].GetProperty("uuid").GetString());

        var items = await emulator.GetAsync($"batches/{batchId}/items");
        ZepSchemas.AssertValid("ApidataBatchItemListResponse", items.Json);
        Assert.All(items.Json.GetProperty("items").EnumerateArray(), i => Assert.Equal("succeeded", i.GetProperty("status").GetString()));
        Assert.False(items.Json.TryGetProperty("next_cursor", out _));
    }

    [Fact]
    public async Task Items_without_created_at_are_dated_when_they_are_applied()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var emulator = await TestEmulator.StartAsync(_ => { }, clock);
        await emulator.CreateThreadAsync("alice", "t1");
        var batchId = await CreateBatchAsync(emulator);
        await AddItemsAsync(emulator, batchId, Episode(), Message());
        clock.Advance(TimeSpan.FromHours(1));

        await emulator.PostAsync($"batches/{batchId}/process", new { });
        await WaitUntilDoneAsync(emulator, batchId);

        Assert.Equal(clock.GetUtcNow(), emulator.Store.GetEpisodes("alice").Single().CreatedAt);
        Assert.Equal(clock.GetUtcNow(), emulator.Store.GetMessages("t1").Single().CreatedAt);
    }

    [Fact]
    public async Task Items_are_applied_in_insertion_order_per_destination_and_never_de_duplicated()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        await emulator.CreateThreadAsync("bob", "t2");
        var batchId = await CreateBatchAsync(emulator);
        await AddItemsAsync(emulator, batchId, Message("a1"), Message("b1", "t2"), Message("a2"), Message("b2", "t2"), Message("a2"), Episode("same"), Episode("same"));

        await emulator.PostAsync($"batches/{batchId}/process", new { });
        await WaitUntilDoneAsync(emulator, batchId);

        Assert.Equal(["a1", "a2", "a2"], emulator.Store.GetMessages("t1").Select(m => m.Content));
        Assert.Equal(["b1", "b2"], emulator.Store.GetMessages("t2").Select(m => m.Content));
        Assert.Equal(2, emulator.Store.GetEpisodes("alice").Count);
    }

    [Theory]
    [InlineData(350, HttpStatusCode.OK)]
    [InlineData(351, HttpStatusCode.BadRequest)]
    public async Task At_most_350_items_are_accepted_per_call(int count, HttpStatusCode expected)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var batchId = await CreateBatchAsync(emulator);

        var response = await AddItemsAsync(emulator, batchId, Enumerable.Range(0, count).Select(i => Episode($"e{i}")).ToArray());

        Assert.Equal(expected, response.Status);
        Assert.Equal(expected == HttpStatusCode.OK ? count : 0, emulator.Store.GetBatch(batchId)!.ItemCount);
        if (expected == HttpStatusCode.BadRequest)
        {
            response.AssertZepError(HttpStatusCode.BadRequest);
            Assert.StartsWith("bad request: ", response.Message);
        }
    }

    [Fact]
    public async Task A_batch_holds_at_most_50000_items()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var batchId = await CreateBatchAsync(emulator);
        var full = Enumerable.Range(0, 350).Select(_ => Episode()).ToArray();
        for (var i = 0; i < 142; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await AddItemsAsync(emulator, batchId, full)).Status);
        }

        var last = await AddItemsAsync(emulator, batchId, full[..300]);
        var over = await AddItemsAsync(emulator, batchId, Episode());

        Assert.Equal(HttpStatusCode.OK, last.Status);
        Assert.Equal(49_999, last.Json[299].GetProperty("sequence_index").GetInt32());
        over.AssertZepError(HttpStatusCode.BadRequest);
        Assert.Equal(50_000, emulator.Store.GetBatch(batchId)!.ItemCount);
    }

    public static TheoryData<string> InvalidItems => new()
    {
        """{"data":"x","data_type":"text","user_id":"alice"}""",
        """{"type":"fact","data":"x","data_type":"text","user_id":"alice"}""",
        """{"type":"graph_episode","data_type":"text","user_id":"alice"}""",
        """{"type":"graph_episode","data":"x","user_id":"alice"}""",
        """{"type":"graph_episode","data":"x","data_type":"markdown","user_id":"alice"}""",
        """{"type":"graph_episode","data":"not json","data_type":"json","user_id":"alice"}""",
        """{"type":"graph_episode","data":"x","data_type":"text"}""",
        """{"type":"graph_episode","data":"x","data_type":"text","user_id":"alice","graph_id":"g"}""",
        """{"type":"graph_episode","data":"x","data_type":"text","user_id":"alice","document_id":""}""",
        """{"type":"graph_episode","data":"x","data_type":"text","user_id":"alice","metadata":{"a":{"b":1}}}""",
        """{"type":"graph_episode","data":"x","data_type":"text","user_id":"alice","metadata":{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10}}""",
        """{"type":"graph_episode","data":"x","data_type":"text","user_id":"alice","created_at":"yesterday"}""",
        """{"type":"thread_message","content":"x","role":"user"}""",
        """{"type":"thread_message","thread_id":"t1","role":"user"}""",
        """{"type":"thread_message","thread_id":"t1","content":"x","role":"robot"}""",
        """{"type":"thread_message","thread_id":"t1","content":"x"}""",
        """{"type":"thread_message","thread_id":"t1","content":"x","role":"user","created_at":"2024-01-01T00:00:00"}""",
    };

    [Theory]
    [MemberData(nameof(InvalidItems))]
    public async Task A_call_with_an_invalid_item_answers_400_and_adds_nothing(string item)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var batchId = await CreateBatchAsync(emulator);

        var response = await emulator.SendAsync(HttpMethod.Post, $"batches/{batchId}/items", $$"""{"items":[{"type":"graph_episode","data":"ok","data_type":"text","user_id":"alice"},{{item}}]}""");

        response.AssertZepError(HttpStatusCode.BadRequest);
        Assert.StartsWith("bad request: items[1]: ", response.Message);
        Assert.Equal(0, emulator.Store.GetBatch(batchId)!.ItemCount);
    }

    [Theory]
    [InlineData(10_000, 4096, HttpStatusCode.OK)]
    [InlineData(10_001, 4096, HttpStatusCode.BadRequest)]
    [InlineData(10_000, 4097, HttpStatusCode.BadRequest)]
    public async Task Episode_data_is_limited_to_10000_characters_and_message_content_to_4096(int dataLength, int contentLength, HttpStatusCode expected)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var batchId = await CreateBatchAsync(emulator);

        var response = await AddItemsAsync(emulator, batchId, Episode(new string('d', dataLength)), Message(new string('c', contentLength)));

        Assert.Equal(expected, response.Status);
    }

    [Fact]
    public async Task Adding_items_after_process_answers_409()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");
        var batchId = await CreateBatchAsync(emulator);
        await AddItemsAsync(emulator, batchId, Episode());
        await emulator.PostAsync($"batches/{batchId}/process", new { });

        var response = await AddItemsAsync(emulator, batchId, Episode());

        response.AssertZepError(HttpStatusCode.Conflict);
        await WaitUntilDoneAsync(emulator, batchId);
        Assert.Single(emulator.Store.GetEpisodes("alice"));
    }

    [Fact]
    public async Task Processing_a_batch_twice_answers_409_and_applies_its_items_once()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");
        var batchId = await CreateBatchAsync(emulator);
        await AddItemsAsync(emulator, batchId, Episode());

        var first = await emulator.PostAsync($"batches/{batchId}/process", new { });
        var second = await emulator.PostAsync($"batches/{batchId}/process", new { });
        await WaitUntilDoneAsync(emulator, batchId);
        var third = await emulator.PostAsync($"batches/{batchId}/process", new { });

        Assert.Equal(HttpStatusCode.OK, first.Status);
        second.AssertZepError(HttpStatusCode.Conflict);
        third.AssertZepError(HttpStatusCode.Conflict);
        Assert.Single(emulator.Store.GetEpisodes("alice"));
    }

    [Fact]
    public async Task A_batch_referencing_a_missing_user_or_thread_becomes_invalid_and_names_the_items()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");
        var batchId = await CreateBatchAsync(emulator);
        await AddItemsAsync(emulator, batchId, Episode(), Episode(userId: "ghost"), Message(), Message(threadId: "nowhere"),
            new { type = "graph_episode", graph_id = "new-graph", data = "x", data_type = "text" });

        var response = await emulator.PostAsync($"batches/{batchId}/process", new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        ZepSchemas.AssertValid("ApidataBatchInvalidReferencesError", response.Json);
        Assert.Equal("invalid_batch", response.Json.GetProperty("code").GetString());
        var invalid = response.Json.GetProperty("invalid_items").EnumerateArray().ToArray();
        Assert.Equal([1, 3], invalid.Select(i => i.GetProperty("sequence_index").GetInt32()));
        Assert.Equal("ghost", invalid[0].GetProperty("user_id").GetString());
        Assert.Equal("nowhere", invalid[1].GetProperty("thread_id").GetString());
        Assert.All(invalid, i => Assert.False(string.IsNullOrEmpty(i.GetProperty("reason").GetString())));
        Assert.Equal("invalid", (await emulator.GetAsync($"batches/{batchId}")).Json.GetProperty("status").GetString());
        Assert.Empty(emulator.Store.GetEpisodes("alice"));
        Assert.Empty(emulator.Store.GetMessages("t1"));
        Assert.Equal(HttpStatusCode.Conflict, (await AddItemsAsync(emulator, batchId, Episode())).Status);
    }

    [Fact]
    public async Task An_invalid_batch_can_be_processed_once_the_missing_user_and_thread_exist()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var batchId = await CreateBatchAsync(emulator);
        await AddItemsAsync(emulator, batchId, Episode(), Message());
        Assert.Equal(HttpStatusCode.BadRequest, (await emulator.PostAsync($"batches/{batchId}/process", new { })).Status);

        await emulator.CreateThreadAsync("alice", "t1");
        var retry = await emulator.PostAsync($"batches/{batchId}/process", new { });

        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal("succeeded", (await WaitUntilDoneAsync(emulator, batchId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Processing_an_empty_batch_answers_400()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var batchId = await CreateBatchAsync(emulator);

        var response = await emulator.PostAsync($"batches/{batchId}/process", new { });

        response.AssertZepError(HttpStatusCode.BadRequest);
        Assert.Equal("draft", emulator.Store.GetBatch(batchId)!.Status);
    }

    [Fact]
    public async Task A_draft_or_invalid_batch_can_be_deleted_and_a_processed_one_answers_409()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");
        var draft = await CreateBatchAsync(emulator);
        var invalid = await CreateBatchAsync(emulator);
        await AddItemsAsync(emulator, invalid, Episode(userId: "ghost"));
        await emulator.PostAsync($"batches/{invalid}/process", new { });
        var processed = await CreateBatchAsync(emulator);
        await AddItemsAsync(emulator, processed, Episode());
        await emulator.PostAsync($"batches/{processed}/process", new { });
        await WaitUntilDoneAsync(emulator, processed);

        var deletedDraft = await emulator.DeleteAsync($"batches/{draft}");
        var deletedInvalid = await emulator.DeleteAsync($"batches/{invalid}");
        var refused = await emulator.DeleteAsync($"batches/{processed}");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (deletedDraft.Status, deletedInvalid.Status));
        ZepSchemas.AssertValid("ApidataSuccessResponse", deletedDraft.Json);
        (await emulator.GetAsync($"batches/{draft}")).AssertZepError(HttpStatusCode.NotFound, "not found");
        refused.AssertZepError(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await emulator.GetAsync($"batches/{processed}")).Status);
    }

    [Fact]
    public async Task An_unknown_batch_answers_404_everywhere()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var id = Guid.NewGuid();

        var responses = new[]
        {
            await emulator.GetAsync($"batches/{id}"),
            await emulator.GetAsync($"batches/{id}/items"),
            await AddItemsAsync(emulator, id.ToString(), Episode()),
            await emulator.PostAsync($"batches/{id}/process", new { }),
            await emulator.DeleteAsync($"batches/{id}"),
        };

        Assert.All(responses, r => r.AssertZepError(HttpStatusCode.NotFound, "not found"));
    }

    [Fact]
    public async Task Items_are_listed_in_pages_with_a_next_cursor_and_can_be_filtered_by_status()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var batchId = await CreateBatchAsync(emulator);
        await AddItemsAsync(emulator, batchId, Enumerable.Range(0, 5).Select(i => Episode($"e{i}")).ToArray());

        var first = await emulator.GetAsync($"batches/{batchId}/items?limit=2");
        var second = await emulator.GetAsync($"batches/{batchId}/items?limit=2&cursor={first.Json.GetProperty("next_cursor").GetInt32()}");
        var third = await emulator.GetAsync($"batches/{batchId}/items?limit=2&cursor={second.Json.GetProperty("next_cursor").GetInt32()}");
        var pending = await emulator.GetAsync($"batches/{batchId}/items?status=pending");
        var succeeded = await emulator.GetAsync($"batches/{batchId}/items?status=succeeded");
        var badStatus = await emulator.GetAsync($"batches/{batchId}/items?status=done");
        var badLimit = await emulator.GetAsync($"batches/{batchId}/items?limit=-1");

        foreach (var page in new[] { first, second, third, pending })
        {
            ZepSchemas.AssertValid("ApidataBatchItemListResponse", page.Json);
        }

        int[] Indexes(ZepResponse r) => r.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sequence_index").GetInt32()).ToArray();
        Assert.Equal([0, 1], Indexes(first));
        Assert.Equal([2, 3], Indexes(second));
        Assert.Equal([4], Indexes(third));
        Assert.False(third.Json.TryGetProperty("next_cursor", out _));
        Assert.Equal(5, Indexes(pending).Length);
        Assert.Empty(Indexes(succeeded));
        badStatus.AssertZepError(HttpStatusCode.BadRequest);
        badLimit.AssertZepError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Batches_are_listed_in_creation_order_in_pages_and_can_be_filtered_by_status()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateUserAsync("alice");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await CreateBatchAsync(emulator));
        }

        await AddItemsAsync(emulator, ids[1], Episode());
        await emulator.PostAsync($"batches/{ids[1]}/process", new { });
        await WaitUntilDoneAsync(emulator, ids[1]);

        var first = await emulator.GetAsync("batches?limit=2");
        var second = await emulator.GetAsync($"batches?limit=2&cursor={first.Json.GetProperty("next_cursor").GetInt32()}");
        var drafts = await emulator.GetAsync("batches?status=draft");

        ZepSchemas.AssertValid("ApidataBatchListResponse", first.Json);
        ZepSchemas.AssertValid("ApidataBatchListResponse", second.Json);
        string[] Ids(ZepResponse r) => r.Json.GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("batch_id").GetString()!).ToArray();
        Assert.Equal(ids[..2], Ids(first));
        Assert.Equal([ids[2]], Ids(second));
        Assert.False(second.Json.TryGetProperty("next_cursor", out _));
        Assert.Equal([ids[0], ids[2]], Ids(drafts));
    }

    [Fact]
    public async Task With_a_processing_speed_the_batch_is_seen_queued_or_processing_before_it_succeeds()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Batch.ItemsPerSecond = 20);
        await emulator.CreateUserAsync("alice");
        var batchId = await CreateBatchAsync(emulator);
        await AddItemsAsync(emulator, batchId, Enumerable.Range(0, 10).Select(i => Episode($"e{i}")).ToArray());
        var started = DateTime.UtcNow;

        await emulator.PostAsync($"batches/{batchId}/process", new { });
        var during = (await emulator.GetAsync($"batches/{batchId}")).Json;
        var done = await WaitUntilDoneAsync(emulator, batchId);

        Assert.Contains(during.GetProperty("status").GetString(), new[] { "queued", "processing" });
        Assert.True(during.GetProperty("progress").GetProperty("percent_complete").GetDouble() < 100);
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(400), "10 items at 20/s take about 450 ms");
    }

    [Fact]
    public async Task Items_whose_thread_disappears_before_they_are_applied_fail_and_the_batch_ends_partial()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Batch.ItemsPerSecond = 2);
        await emulator.CreateUserAsync("alice");
        await emulator.CreateThreadAsync("bob", "t2");
        var batchId = await CreateBatchAsync(emulator);
        await AddItemsAsync(emulator, batchId, Episode(), Message(threadId: "t2"));

        await emulator.PostAsync($"batches/{batchId}/process", new { });
        await emulator.DeleteAsync("threads/t2");
        var done = await WaitUntilDoneAsync(emulator, batchId);

        Assert.Equal("partial", done.GetProperty("status").GetString());
        Assert.Equal((1, 1), (done.GetProperty("progress").GetProperty("succeeded_items").GetInt32(), done.GetProperty("progress").GetProperty("failed_items").GetInt32()));
        var failed = (await emulator.GetAsync($"batches/{batchId}/items?status=failed")).Json.GetProperty("items").EnumerateArray().Single();
        ZepSchemas.AssertValid("ApidataBatchItemDetail", failed);
        Assert.Equal("not_found", failed.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task When_the_batch_api_is_disabled_every_batches_route_answers_404()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Batch.Enabled = false);
        var id = Guid.NewGuid();

        var responses = new[]
        {
            await emulator.PostAsync("batches", new { }),
            await emulator.GetAsync("batches"),
            await emulator.GetAsync($"batches/{id}"),
            await emulator.GetAsync($"batches/{id}/items"),
            await AddItemsAsync(emulator, id.ToString(), Episode()),
            await emulator.PostAsync($"batches/{id}/process", new { }),
            await emulator.DeleteAsync($"batches/{id}"),
        };

        Assert.All(responses, r => r.AssertZepError(HttpStatusCode.NotFound, "not found"));
        Assert.Equal(HttpStatusCode.Created, (await emulator.PostAsync("users", new { user_id = "alice" })).Status);
    }

    [Fact]
    public async Task Creating_a_batch_without_a_body_or_with_a_bad_ignore_role_is_handled()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var empty = await emulator.SendAsync(HttpMethod.Post, "batches", null);
        var badRole = await emulator.PostAsync("batches", new { ignore_roles = new[] { "robot" } });

        Assert.Equal(HttpStatusCode.OK, empty.Status);
        ZepSchemas.AssertValid("ApidataBatchSummary", empty.Json);
        Assert.Equal(0, empty.Json.GetProperty("item_count").GetInt32());
        badRole.AssertZepError(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Stats_count_batches_and_reset_removes_them()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await CreateBatchAsync(emulator);
        await CreateBatchAsync(emulator);

        var stats = await emulator.SendAsync(HttpMethod.Get, "_emulator/stats", null, emulator.Raw);
        await emulator.SendAsync(HttpMethod.Post, "_emulator/reset", null, emulator.Raw);

        Assert.Equal(2, stats.Json.GetProperty("batches").GetInt32());
        Assert.Empty(emulator.Store.GetBatches());
    }
}
