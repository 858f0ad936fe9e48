using System.Net;
using Pixelated.ZepEmulator.Tests.Infrastructure;

namespace Pixelated.ZepEmulator.Tests;

public sealed class Emulator_stats
{
    [Fact]
    public async Task Stats_count_stored_data_and_requests_by_status_code()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");                                   // 201, 201
        await emulator.AddMessagesAsync("t1", new { role = "user", content = "a" }, new { role = "user", content = "b" }); // 200
        await emulator.PostAsync("graph", new { user_id = "alice", type = "text", data = "x" }); // 202
        await emulator.PostAsync("users", new { user_id = "alice" });                      // 400
        await emulator.GetAsync("users/nobody");                                           // 404
        await emulator.SendAsync(HttpMethod.Get, "api/v2/users/alice", null, emulator.Raw); // 401

        var response = await emulator.SendAsync(HttpMethod.Get, "_emulator/stats", null, emulator.Raw);
        var again = await emulator.SendAsync(HttpMethod.Get, "_emulator/stats", null, emulator.Raw);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var json = response.Json;
        Assert.Equal(1, json.GetProperty("users").GetInt32());
        Assert.Equal(1, json.GetProperty("threads").GetInt32());
        Assert.Equal(2, json.GetProperty("messages").GetInt32());
        Assert.Equal(1, json.GetProperty("episodes").GetInt32());
        var requests = json.GetProperty("requests");
        Assert.Equal(
            new Dictionary<string, int> { ["200"] = 1, ["201"] = 2, ["202"] = 1, ["400"] = 1, ["401"] = 1, ["404"] = 1 },
            requests.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()));
        Assert.Equal(requests.GetRawText(), again.Json.GetProperty("requests").GetRawText());
    }

    [Fact]
    public async Task Reset_clears_data_and_counters()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");

        var reset = await emulator.SendAsync(HttpMethod.Post, "_emulator/reset", null, emulator.Raw);

        Assert.Equal(HttpStatusCode.OK, reset.Status);
        var stats = emulator.Store.GetStats();
        Assert.Equal((0, 0, 0, 0, 0), (stats.Users, stats.Threads, stats.Messages, stats.Episodes, stats.Requests.Count));
    }

    [Fact]
    public async Task Concurrent_writers_lose_nothing()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateThreadAsync("alice", "t1");

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            emulator.AddMessagesAsync("t1", Enumerable.Range(0, 10).Select(j => (object)new { role = "user", content = $"{i}-{j}" }).ToArray())));

        var stored = emulator.Store.GetMessages("t1");
        Assert.Equal(200, stored.Count);
        Assert.Equal(200, stored.Select(m => m.Content).Distinct().Count());
    }
}
