using System.Net;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Tests.Support;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Users;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Tests;

[Collection(MemoryCollection.Name)]
public sealed class Reading_migrated_memory(MemoryHost host)
{
    private static StagedItem Memory(string userId, string id, string content, string metadataJson, DateTimeOffset createdAt) => new()
    {
        UserKey = userId,
        ItemKey = $"memory:{id}",
        Kind = StagedItemKind.Memory,
        Content = content,
        ContentHash = IdempotencyKey.ContentHash(content),
        MetadataJson = metadataJson,
        CreatedAt = createdAt,
    };

    [Fact]
    public async Task A_treatment_plan_written_by_the_migration_is_the_users_latest_plan()
    {
        var patient = await host.NewUserAsync();
        var plan = UserPlanner.Plan(UserTarget.Unmapped(patient),
        [
            Memory(patient, "m-1", "Work on sleep and daily walks.", """{"type": "treatment_plan", "goals": ["sleep 7 hours", "walk daily"], "interventions": ["sleep diary"]}""", DateTimeOffset.UtcNow.AddDays(-3)),
            Memory(patient, "m-2", "Summary of the intake.", """{"type": "summary"}""", DateTimeOffset.UtcNow.AddDays(-2)),
        ]);
        foreach (var episode in plan.Episodes) await host.Zep().AddDataAsync(episode.Request, default);
        using var client = host.As(patient, MemoryRoles.Patient);

        var (status, read) = await client.GetJsonAsync($"api/v1/users/{patient}/treatment-plan");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("treatment_plan", read.GetProperty("kind").GetString());
        Assert.Equal("Work on sleep and daily walks.", read.GetProperty("text").GetString());
        Assert.Equal(["sleep 7 hours", "walk daily"], read.GetProperty("goals").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal("sleep diary", read.GetProperty("interventions")[0].GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, read.GetProperty("sessionId").ValueKind);

        var summary = (await client.GetJsonAsync($"api/v1/users/{patient}/summary")).Body;
        Assert.Equal("summary", summary.GetProperty("kind").GetString());
        Assert.Equal("Summary of the intake.", summary.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_migrated_thread_reads_like_a_session_and_refuses_writes()
    {
        var patient = await host.NewUserAsync();
        var thread = await host.NewImportedThreadAsync(patient,
            new ZepMessage("from mem0", "user", Metadata: new() { ["mem0_role"] = "therapist" }),
            new ZepMessage("reply", "assistant"));
        using var client = host.As(patient, MemoryRoles.Patient);

        var history = await client.GetJsonAsync($"api/v1/memory/{thread}/history?order=oldest");
        Assert.Equal(HttpStatusCode.OK, history.Status);
        Assert.Equal("therapist", history.Body.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal(2, (await client.GetJsonAsync($"api/v1/memory/{thread}/history/count")).Body.GetProperty("count").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync($"api/v1/memory/{thread}/stats")).Status);

        var (status, problem) = await client.PostJsonAsync($"api/v1/memory/{thread}/messages", new { role = "user", content = "new" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("imported", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostJsonAsync($"api/v1/memory/{thread}/summary", new { text = "new" })).Status);

        using var other = host.As(await host.NewUserAsync(), MemoryRoles.Patient);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetJsonAsync($"api/v1/memory/{thread}/history")).Status);
    }
}
