using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Tests.Support;

namespace Pixelated.MemoryService.Tests;

/// <summary>The MCP SDK's own client on <c>/mcp</c> of the real service: it lists the tools and calls each of them over HTTP.</summary>
[Collection(MemoryCollection.Name)]
public sealed class Using_the_mcp_tools(MemoryHost host)
{
    private static readonly string[] ToolNames =
    [
        "start_session", "add_messages", "get_history", "count_messages",
        "store_summary", "get_summary", "store_emotional_state", "get_emotional_state",
        "store_treatment_plan", "get_treatment_plan", "get_stats",
    ];

    [Fact]
    public async Task The_client_lists_every_tool_with_a_description_and_an_input_schema()
    {
        await using var client = await host.McpAsync(MemoryHost.NewId("patient"), MemoryRoles.Patient);
        var tools = await client.ListToolsAsync();

        Assert.Equal(ToolNames.Order(), tools.Select(t => t.Name).Order());
        Assert.All(tools, t =>
        {
            Assert.False(string.IsNullOrWhiteSpace(t.Description), $"{t.Name} has no description");
            Assert.Equal("object", t.ProtocolTool.InputSchema.GetProperty("type").GetString());
            Assert.True(t.ProtocolTool.OutputSchema is not null, $"{t.Name} has no output schema");
        });
        var addMessages = tools.Single(t => t.Name == "add_messages").ProtocolTool.InputSchema;
        var required = addMessages.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["sessionId", "messages"], required);
        Assert.True(tools.Single(t => t.Name == "get_history").ProtocolTool.Annotations?.ReadOnlyHint);
    }

    [Fact]
    public async Task Messages_added_through_the_tools_come_back_in_order_and_are_counted()
    {
        var patient = await host.NewUserAsync();
        await using var client = await host.McpAsync(patient, MemoryRoles.Patient);

        var started = (await client.CallAsync("start_session", new { userId = patient, timeoutMinutes = 30 })).Value("start_session");
        var session = started.GetProperty("sessionId").GetString()!;
        Assert.Equal("open", started.GetProperty("state").GetString());

        var stored = (await client.CallAsync("add_messages", new
        {
            sessionId = session,
            messages = new object[]
            {
                new { role = "user", content = "first", createdAt = "2026-01-05T10:00:00Z" },
                new { role = "therapist", content = "second", name = "Dr. Tools" },
                new { role = "assistant", content = "third" },
            },
        })).Value("add_messages");
        Assert.Equal(3, stored.GetProperty("stored").GetInt32());

        var oldest = (await client.CallAsync("get_history", new { sessionId = session, order = "oldest" })).Value("get_history");
        Assert.Equal(["first", "second", "third"], oldest.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        Assert.Equal(["user", "therapist", "assistant"], oldest.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));

        var newest = (await client.CallAsync("get_history", new { sessionId = session, limit = 2 })).Value("get_history");
        Assert.Equal(["third", "second"], newest.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        var cursor = newest.GetProperty("nextCursor").GetString();
        var rest = (await client.CallAsync("get_history", new { sessionId = session, limit = 2, cursor })).Value("get_history");
        Assert.Equal(["first"], rest.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()));

        var count = (await client.CallAsync("count_messages", new { sessionId = session })).Value("count_messages");
        Assert.Equal(3, count.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Each_record_kind_stored_through_the_tools_is_read_back_by_session_and_by_user_and_counted_in_the_stats()
    {
        var patient = await host.NewUserAsync();
        var session = await host.NewSessionAsync(patient);
        await using var client = await host.McpAsync(patient, MemoryRoles.Patient);

        (await client.CallAsync("store_summary", new { sessionId = session, text = "talked about sleep" })).Value("store_summary");
        (await client.CallAsync("store_emotional_state", new
        {
            sessionId = session, emotions = new { anxiety = 0.7, calm = 0.2 }, context = "before work", triggers = new[] { "deadlines" },
        })).Value("store_emotional_state");
        (await client.CallAsync("store_treatment_plan", new
        {
            sessionId = session, goals = new[] { "sleep 7 hours" }, interventions = new[] { "CBT-I" },
            progressMetrics = new { nights = 3, journaling = true }, duration = "8 weeks",
        })).Value("store_treatment_plan");

        var summary = (await client.CallAsync("get_summary", new { sessionId = session })).Value("get_summary");
        Assert.Equal("talked about sleep", summary.GetProperty("text").GetString());
        Assert.Equal(session, summary.GetProperty("sessionId").GetString());

        var state = (await client.CallAsync("get_emotional_state", new { sessionId = session })).Value("get_emotional_state");
        Assert.Equal(0.7, state.GetProperty("emotions").GetProperty("anxiety").GetDouble());
        Assert.Equal("deadlines", state.GetProperty("triggers")[0].GetString());

        var plan = (await client.CallAsync("get_treatment_plan", new { userId = patient })).Value("get_treatment_plan");
        Assert.Equal("sleep 7 hours", plan.GetProperty("goals")[0].GetString());
        Assert.Equal("8 weeks", plan.GetProperty("duration").GetString());
        Assert.True(plan.GetProperty("progressMetrics").GetProperty("journaling").GetBoolean());

        await client.CallAsync("add_messages", new { sessionId = session, messages = new[] { new { role = "user", content = "hi" } } });
        var stats = (await client.CallAsync("get_stats", new { sessionId = session })).Value("get_stats");
        Assert.Equal(1, stats.GetProperty("messageCount").GetInt32());
        var records = stats.GetProperty("records");
        Assert.Equal(1, records.GetProperty("session_summary").GetInt32());
        Assert.Equal(1, records.GetProperty("emotional_state").GetInt32());
        Assert.Equal(1, records.GetProperty("treatment_plan").GetInt32());
    }

    [Fact]
    public async Task A_failed_call_is_a_tool_error_naming_its_kind_and_never_the_content()
    {
        var patient = await host.NewUserAsync();
        var closed = await host.NewSessionAsync(patient, Fixtures.Session.Closed);
        var open = await host.NewSessionAsync(patient);
        await using var client = await host.McpAsync(patient, MemoryRoles.Patient);

        var invalid = await client.CallAsync("add_messages", new { sessionId = open, messages = new[] { new { role = "user", content = " " }, new { role = "poet", content = "a secret verse" } } });
        Assert.True(invalid.IsError);
        Assert.Equal("invalid field messages[0].content: must not be empty", invalid.Text());

        var conflict = await client.CallAsync("add_messages", new { sessionId = closed, messages = new[] { new { role = "user", content = "a secret" } } });
        Assert.True(conflict.IsError);
        Assert.StartsWith("conflict: the session is closed", conflict.Text());
        Assert.DoesNotContain("secret", conflict.Text());

        var missing = await client.CallAsync("get_history", new { sessionId = "session-that-does-not-exist" });
        Assert.True(missing.IsError);
        Assert.Equal("not found: no such session", missing.Text());

        var none = await client.CallAsync("get_summary", new { sessionId = open });
        Assert.True(none.IsError);
        Assert.StartsWith("not found:", none.Text());

        var both = await client.CallAsync("get_summary", new { sessionId = open, userId = patient });
        Assert.True(both.IsError);
        Assert.StartsWith("invalid field sessionId:", both.Text());

        var badLimit = await client.CallAsync("get_history", new { sessionId = open, limit = 0 });
        Assert.Equal("invalid field limit: must be from 1 to 100", badLimit.Text());

        // Arguments that do not bind (a required one missing) are refused by the SDK before any service runs: a tool error too.
        var unbound = await client.CallAsync("store_summary", new { text = "a secret summary" });
        Assert.True(unbound.IsError);
        Assert.DoesNotContain("secret", unbound.Text());
    }

    [Fact]
    public async Task The_endpoint_without_a_token_or_with_a_bad_one_is_401_for_raw_http_and_for_the_mcp_client()
    {
        const string initialize = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}
            """;
        var forged = DevTokens.Mint(new Options.MemoryAuthOptions
        {
            SigningKey = "another-key-that-is-long-enough-0123456789",
            Audience = MemoryHost.Audience,
            Issuer = host.AuthOptions.Issuer,
        }, "someone", MemoryRoles.Admin);

        foreach (var token in new[] { null, "not-a-jwt", forged })
        {
            using var raw = host.Anonymous();
            using var request = new HttpRequestMessage(HttpMethod.Post, "mcp") { Content = new StringContent(initialize, Encoding.UTF8, "application/json") };
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await raw.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

            var refused = await Assert.ThrowsAnyAsync<HttpRequestException>(async () => await (await host.McpAsync(token)).DisposeAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
    }
}
