using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Tests.Support;

namespace Pixelated.MemoryService.Tests;

/// <summary>An MCP client retrying a write after a timeout passes the same <c>idempotencyKey</c>: the first result comes back and Zep gets nothing twice.</summary>
[Collection(MemoryCollection.Name)]
public sealed class Retrying_mcp_writes(MemoryHost host)
{
    [Fact]
    public async Task A_retried_add_messages_returns_the_first_result_and_stores_once()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var sessionId = await host.StartSessionAsync(patient);
        await using var client = await host.McpAsync(patient, MemoryRoles.Patient);
        var arguments = new { sessionId, messages = new[] { new { role = "user", content = "once only" } }, idempotencyKey = "retry-1" };

        var first = (await client.CallAsync("add_messages", arguments)).Value("add_messages");
        var again = (await client.CallAsync("add_messages", arguments)).Value("add_messages");

        Assert.Equal(first.GetRawText(), again.GetRawText());
        Assert.Single(host.Emulator.Store.GetMessages(sessionId));

        var mismatch = await client.CallAsync("add_messages",
            new { sessionId, messages = new[] { new { role = "user", content = "something else" } }, idempotencyKey = "retry-1" });
        Assert.True(mismatch.IsError);
        Assert.StartsWith("invalid field idempotencyKey", mismatch.Text());
        Assert.DoesNotContain("something else", mismatch.Text());
        Assert.Single(host.Emulator.Store.GetMessages(sessionId));

        var unkeyed = await client.CallAsync("add_messages", new { sessionId, messages = new[] { new { role = "user", content = "once only" } } });
        Assert.NotEqual(true, unkeyed.IsError);
        Assert.Equal(2, host.Emulator.Store.GetMessages(sessionId).Count);
    }

    [Fact]
    public async Task A_retried_record_write_stores_one_record()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var sessionId = await host.StartSessionAsync(patient);
        await using var client = await host.McpAsync(patient, MemoryRoles.Patient);
        var arguments = new { sessionId, goals = new[] { "sleep" }, idempotencyKey = "plan-1" };

        var first = (await client.CallAsync("store_treatment_plan", arguments)).Value("store_treatment_plan");
        var again = (await client.CallAsync("store_treatment_plan", arguments)).Value("store_treatment_plan");

        Assert.Equal(first.GetProperty("recordId").GetString(), again.GetProperty("recordId").GetString());
        var stats = (await client.CallAsync("get_stats", new { sessionId })).Value("get_stats");
        Assert.Equal(1, stats.GetProperty("records").GetProperty("treatment_plan").GetInt32());
    }
}
