using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pixelated.MemoryService.Application.Memory;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Tests.Support;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Tests;

/// <summary>
/// Every MCP tool beside the route it stands for, called by each role on a patient's data (the owner, another patient,
/// support, admin, an assigned and an unassigned therapist): the tool is allowed exactly when the route is, and refused
/// with a tool error that lands in the audit trail.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class Reaching_mcp_tools_by_role(MemoryHost host)
{
    /// <summary>A tool and its route; <c>{s}</c> is the patient's session, <c>{u}</c> the patient.</summary>
    private sealed record Pair(string Tool, Func<string, string, object> Arguments, string Method, string Route, object? Body);

    private static readonly Pair[] Pairs =
    [
        new("start_session", (_, u) => new { userId = u }, "POST", "sessions", new { userId = "{u}" }),
        new("add_messages", (s, _) => new { sessionId = s, messages = new[] { new { role = "user", content = "hello" } } },
            "POST", "memory/{s}/messages", new { role = "user", content = "hello" }),
        new("get_history", (s, _) => new { sessionId = s }, "GET", "memory/{s}/history", null),
        new("count_messages", (s, _) => new { sessionId = s }, "GET", "memory/{s}/history/count", null),
        new("store_summary", (s, _) => new { sessionId = s, text = "a summary" }, "POST", "memory/{s}/summary", new { text = "a summary" }),
        new("store_emotional_state", (s, _) => new { sessionId = s, emotions = new { calm = 0.5 } },
            "POST", "memory/{s}/emotional-state", new { emotions = new { calm = 0.5 } }),
        new("store_treatment_plan", (s, _) => new { sessionId = s, goals = new[] { "a goal" } },
            "POST", "memory/{s}/treatment-plan", new { goals = new[] { "a goal" } }),
        new("get_summary", (s, _) => new { sessionId = s }, "GET", "memory/{s}/summary", null),
        new("get_emotional_state", (s, _) => new { sessionId = s }, "GET", "memory/{s}/emotional-state", null),
        new("get_treatment_plan", (s, _) => new { sessionId = s }, "GET", "memory/{s}/treatment-plan", null),
        new("get_summary", (_, u) => new { userId = u }, "GET", "users/{u}/summary", null),
        new("get_emotional_state", (_, u) => new { userId = u }, "GET", "users/{u}/emotional-state", null),
        new("get_treatment_plan", (_, u) => new { userId = u }, "GET", "users/{u}/treatment-plan", null),
        new("get_stats", (s, _) => new { sessionId = s }, "GET", "memory/{s}/stats", null),
    ];

    [Theory]
    [InlineData("owner", true)]
    [InlineData("admin", true)]
    [InlineData("assigned-therapist", true)]
    [InlineData("other-patient", false)]
    [InlineData("support", false)]
    [InlineData("unassigned-therapist", false)]
    public async Task Each_role_reaches_each_tool_exactly_as_it_reaches_the_route(string who, bool allowed)
    {
        var (patient, session) = await PatientWithRecordsAsync();
        var (sub, role) = await CallerAsync(who, patient);
        await using var mcp = await host.McpAsync(sub, role);
        using var http = host.As(sub, role);

        foreach (var pair in Pairs)
        {
            var result = await mcp.CallAsync(pair.Tool, pair.Arguments(session, patient));
            var label = $"{who} {pair.Tool} ({pair.Method} {pair.Route})";
            if (allowed) Assert.True(result.IsError != true, $"{label}: {result.Text()}");
            else Assert.True(result.IsError == true && result.Text() == "forbidden: not allowed for your role", $"{label}: {result.Text()}");

            var status = await CallRouteAsync(http, pair, session, patient);
            if (allowed) Assert.True((int)status is >= 200 and < 300, $"{label}: HTTP {(int)status}");
            else Assert.True(status == HttpStatusCode.Forbidden, $"{label}: HTTP {(int)status}");
        }
    }

    [Fact]
    public async Task A_refused_tool_call_lands_in_the_audit_trail_with_its_actor_and_outcome_denied()
    {
        var (patient, session) = await PatientWithRecordsAsync();
        var support = MemoryHost.NewId("support");
        await using (var mcp = await host.McpAsync(support, MemoryRoles.Support))
        {
            var refused = await mcp.CallAsync("get_history", new { sessionId = session });
            Assert.True(refused.IsError);
        }

        using var admin = host.Admin();
        var page = await admin.GetFromJsonAsync<JsonElement>($"api/v1/audit?subjectUserId={patient}&limit=500");
        var entry = Assert.Single(page.GetProperty("entries").EnumerateArray(), e => e.GetProperty("actorId").GetString() == support);
        Assert.Equal(MemoryRoles.Support, entry.GetProperty("actorRole").GetString());
        Assert.Equal(MemoryActions.ReadHistory, entry.GetProperty("action").GetString());
        Assert.Equal(session, entry.GetProperty("sessionId").GetString());
        Assert.Equal("denied", entry.GetProperty("outcome").GetString());
    }

    /// <summary>A patient's open session with a message and one record of each kind, so that every read has something to find.</summary>
    private async Task<(string Patient, string Session)> PatientWithRecordsAsync()
    {
        var patient = await host.NewUserAsync();
        var session = await host.NewSessionAsync(patient);
        await host.Zep().AddMessagesAsync(session, new AddMessagesRequest([new ZepMessage("earlier", "user")]), default);
        await using var owner = await host.McpAsync(patient, MemoryRoles.Patient);
        (await owner.CallAsync("store_summary", new { sessionId = session, text = "s" })).Value("store_summary");
        (await owner.CallAsync("store_emotional_state", new { sessionId = session, emotions = new { calm = 0.1 } })).Value("store_emotional_state");
        (await owner.CallAsync("store_treatment_plan", new { sessionId = session, goals = new[] { "g" } })).Value("store_treatment_plan");
        return (patient, session);
    }

    private async Task<(string Sub, string Role)> CallerAsync(string who, string patient)
    {
        switch (who)
        {
            case "owner": return (patient, MemoryRoles.Patient);
            case "admin": return (MemoryHost.NewId("admin"), MemoryRoles.Admin);
            case "other-patient": return (MemoryHost.NewId("patient"), MemoryRoles.Patient);
            case "support": return (MemoryHost.NewId("support"), MemoryRoles.Support);
            case "assigned-therapist":
                var therapist = MemoryHost.NewId("therapist");
                await host.AssignInDatabaseAsync(patient, therapist);
                return (therapist, MemoryRoles.Therapist);
            default: return (MemoryHost.NewId("therapist"), MemoryRoles.Therapist);
        }
    }

    private static async Task<HttpStatusCode> CallRouteAsync(HttpClient http, Pair pair, string session, string patient)
    {
        var url = "api/v1/" + pair.Route.Replace("{s}", session).Replace("{u}", patient);
        if (pair.Method == "GET")
        {
            using var read = await http.GetAsync(url);
            return read.StatusCode;
        }
        var body = JsonSerializer.Serialize(pair.Body, JsonSerializerOptions.Web).Replace("{u}", patient);
        using var write = await http.PostAsync(url, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        return write.StatusCode;
    }
}
