using System.Net;
using System.Net.Http.Json;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Tests.Support;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Tests;

/// <summary>Every memory route, called by each role on a patient's session: the owner, another patient, support, admin, an assigned and an unassigned therapist.</summary>
[Collection(MemoryCollection.Name)]
public sealed class Reaching_memory_by_role(MemoryHost host)
{
    private static readonly (string Method, string Route, object? Body)[] Routes =
    [
        ("POST", "memory/{s}/messages", new { role = "user", content = "hello" }),
        ("GET", "memory/{s}/history", null),
        ("GET", "memory/{s}/history/count", null),
        ("POST", "memory/{s}/summary", new { text = "a summary" }),
        ("POST", "memory/{s}/emotional-state", new { emotions = new { calm = 0.5 } }),
        ("POST", "memory/{s}/treatment-plan", new { goals = new[] { "a goal" } }),
        ("GET", "memory/{s}/summary", null),
        ("GET", "memory/{s}/emotional-state", null),
        ("GET", "memory/{s}/treatment-plan", null),
        ("GET", "memory/{s}/stats", null),
        ("GET", "users/{u}/summary", null),
        ("GET", "users/{u}/emotional-state", null),
        ("GET", "users/{u}/treatment-plan", null),
    ];

    [Theory]
    [InlineData("owner", true)]
    [InlineData("admin", true)]
    [InlineData("assigned-therapist", true)]
    [InlineData("other-patient", false)]
    [InlineData("support", false)]
    [InlineData("unassigned-therapist", false)]
    public async Task Each_role_reaches_the_memory_routes_as_the_access_rules_say(string who, bool allowed)
    {
        var patient = await host.NewUserAsync();
        var session = await host.NewSessionAsync(patient);
        await host.Zep().AddMessagesAsync(session, new AddMessagesRequest([new ZepMessage("earlier", "user")]), default);
        using (var owner = host.As(patient, MemoryRoles.Patient)) // so that every read has a record to find
        {
            await owner.PostJsonAsync($"api/v1/memory/{session}/summary", new { text = "s" });
            await owner.PostJsonAsync($"api/v1/memory/{session}/emotional-state", new { emotions = new { calm = 0.1 } });
            await owner.PostJsonAsync($"api/v1/memory/{session}/treatment-plan", new { goals = new[] { "g" } });
        }
        var therapist = MemoryHost.NewId("therapist");
        if (who == "assigned-therapist") await host.AssignInDatabaseAsync(patient, therapist);
        using var client = who switch
        {
            "owner" => host.As(patient, MemoryRoles.Patient),
            "admin" => host.Admin(),
            "other-patient" => host.As(MemoryHost.NewId("patient"), MemoryRoles.Patient),
            "support" => host.As(MemoryHost.NewId("support"), MemoryRoles.Support),
            _ => host.As(therapist, MemoryRoles.Therapist),
        };

        foreach (var (method, route, body) in Routes)
        {
            var url = "api/v1/" + route.Replace("{s}", session).Replace("{u}", patient);
            using var response = method == "POST" ? await client.PostAsJsonAsync(url, body) : await client.GetAsync(url);
            if (allowed) Assert.True(response.IsSuccessStatusCode, $"{who} {method} {route}: {(int)response.StatusCode}");
            else Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{who} {method} {route}: {(int)response.StatusCode}");
        }
    }
}
