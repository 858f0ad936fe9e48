using System.Net;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Tests.Support;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Tests;

[Collection(MemoryCollection.Name)]
public sealed class Deleting_a_sessions_memory(MemoryHost host)
{
    [Fact]
    public async Task Deleting_removes_the_thread_and_the_sessions_records_from_zep_and_closes_the_session()
    {
        var patient = await host.NewUserAsync();
        var session = await host.NewSessionAsync(patient);
        var kept = await host.NewSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        await client.PostJsonAsync($"api/v1/memory/{session}/messages", new { role = "user", content = "to be deleted" });
        await client.PostJsonAsync($"api/v1/memory/{session}/summary", new { text = "to be deleted" });
        await client.PostJsonAsync($"api/v1/memory/{session}/treatment-plan", new { goals = new[] { "to be deleted" } });
        await client.PostJsonAsync($"api/v1/memory/{kept}/summary", new { text = "kept" });

        using var response = await client.DeleteAsync($"api/v1/memory/{session}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(body.GetProperty("deleted").GetBoolean());
        Assert.Equal(2, body.GetProperty("recordsDeleted").GetInt32());

        Assert.Null(await host.Zep().GetMessagesAsync(session, 1, 1, default));
        var episodes = await host.Zep().GetAllUserEpisodesAsync(patient, default);
        Assert.Equal(["kept"], episodes.Select(e => System.Text.Json.Nodes.JsonNode.Parse(e.Content)!["memory"]!.GetValue<string>()));
        var row = await host.SessionRowAsync(session);
        Assert.NotNull(row.ClosedAt);
        Assert.Equal("deleted", row.CloseReason);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync($"api/v1/memory/{session}/history")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync($"api/v1/memory/{session}/summary")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostJsonAsync($"api/v1/memory/{session}/messages", new { role = "user", content = "x" })).Status);
    }

    [Fact]
    public async Task Deleting_is_refused_to_others_and_to_an_assigned_therapist()
    {
        var patient = await host.NewUserAsync();
        var therapist = MemoryHost.NewId("therapist");
        await host.AssignInDatabaseAsync(patient, therapist);
        var session = await host.NewSessionAsync(patient);
        await host.Zep().AddMessagesAsync(session, new AddMessagesRequest([new ZepMessage("stay", "user")]), default);

        foreach (var (sub, role) in new[] { (MemoryHost.NewId("patient"), MemoryRoles.Patient), (therapist, MemoryRoles.Therapist), (MemoryHost.NewId("support"), MemoryRoles.Support) })
        {
            using var caller = host.As(sub, role);
            Assert.Equal(HttpStatusCode.Forbidden, (await caller.DeleteAsync($"api/v1/memory/{session}")).StatusCode);
        }
        Assert.NotNull(await host.Zep().GetMessagesAsync(session, 1, 1, default));

        using var admin = host.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"api/v1/memory/{session}")).StatusCode);
    }
}
