using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MemoryService.Auth;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Tests.Support;

/// <summary>The steps the user and session tests share: users, assignments and sessions made through the service's routes, and answers read as JSON.</summary>
public static class UserSetup
{
    /// <summary>A new user of <paramref name="role"/> (created by an admin); its id.</summary>
    public static async Task<string> CreateUserAsync(this MemoryHost host, string role, string? prefix = null)
    {
        var userId = MemoryHost.NewId(prefix ?? role);
        using var admin = host.Admin();
        using var response = await admin.PostAsJsonAsync("api/v1/users",
            new { userId, email = $"{userId}@clinic.example", name = "Test Person", role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return userId;
    }

    public static async Task AssignAsync(this MemoryHost host, string patientId, params string[] therapistIds)
    {
        using var admin = host.Admin();
        using var response = await admin.PutAsJsonAsync($"api/v1/users/{patientId}/therapists", new { therapistIds });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A session of <paramref name="userId"/> started by the user itself; its id.</summary>
    public static async Task<string> StartSessionAsync(this MemoryHost host, string userId, int timeoutMinutes = 30)
    {
        using var client = host.As(userId, MemoryRoles.Patient);
        using var response = await client.PostAsJsonAsync("api/v1/sessions", new { userId, timeoutMinutes });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("sessionId").GetString()!;
    }

    /// <summary>The service's own Zep client, to write what the migration writes (users and threads the service did not make).</summary>
    public static ZepClient Zep(this MemoryHost host) => host.Services.GetRequiredService<ZepClient>();

    /// <summary>A user as the migration creates it (metadata source, migrated_by, mem0_user_id, role).</summary>
    public static async Task<string> CreateMigratedUserAsync(this MemoryHost host, string role)
    {
        var userId = MemoryHost.NewId("mem0");
        var metadata = new JsonObject { ["source"] = "mem0", ["migrated_by"] = "pixelated-migration", ["mem0_user_id"] = userId, ["role"] = role };
        Assert.True(await host.Zep().CreateUserAsync(new CreateUserRequest(userId, metadata, "Migrated", "Person", $"{userId}@clinic.example"), default));
        return userId;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts a 400 whose problem details name <paramref name="field"/> in <c>errors</c>.</summary>
    public static async Task AssertInvalidAsync(this HttpResponseMessage response, string field)
    {
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest,
            $"expected 400 naming {field}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        await response.AssertProblemNamesAsync(field);
    }

    /// <summary>Polls <paramref name="probe"/> until it holds or <paramref name="timeout"/> passes; whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> probe, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (await probe()) return true;
            await Task.Delay(100);
        }
        return await probe();
    }
}
