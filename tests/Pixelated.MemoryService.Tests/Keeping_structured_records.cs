using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Tests.Support;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Tests;

[Collection(MemoryCollection.Name)]
public sealed class Keeping_structured_records(MemoryHost host)
{
    [Fact]
    public async Task Each_kind_is_stored_as_a_json_episode_like_the_migrations_and_read_back()
    {
        var patient = await host.NewUserAsync();
        var session = await host.NewSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        var url = $"api/v1/memory/{session}";

        var summary = await client.PostJsonAsync($"{url}/summary", new { text = "We talked about sleep." });
        var emotion = await client.PostJsonAsync($"{url}/emotional-state", new { emotions = new Dictionary<string, double> { ["anxiety"] = 0.7, ["hope"] = 0.4 }, context = "work", triggers = new[] { "deadlines" } });
        var plan = await client.PostJsonAsync($"{url}/treatment-plan", new { goals = new[] { "sleep 7 hours" }, interventions = new[] { "CBT-I" }, progressMetrics = new { nightsLogged = 5 }, duration = "8 weeks" });
        foreach (var (status, body) in new[] { summary, emotion, plan })
        {
            Assert.Equal(HttpStatusCode.Created, status);
            Assert.Equal(session, body.GetProperty("sessionId").GetString());
            Assert.False(string.IsNullOrEmpty(body.GetProperty("recordId").GetString()));
            Assert.False(string.IsNullOrEmpty(body.GetProperty("createdAt").GetString()));
        }
        Assert.Equal(["session_summary", "emotional_state", "treatment_plan"], new[] { summary, emotion, plan }.Select(r => r.Body.GetProperty("kind").GetString()));

        var episodes = await host.Zep().GetAllUserEpisodesAsync(patient, default);
        var planEpisode = episodes.Single(e => e.Uuid == plan.Body.GetProperty("recordId").GetString());
        Assert.Equal("json", planEpisode.Source);
        Assert.Equal("treatment_plan", planEpisode.Metadata!["mem0_kind"]!.GetValue<string>());
        Assert.Equal(session, planEpisode.Metadata!["session_id"]!.GetValue<string>());
        Assert.Equal("memory-service", planEpisode.Metadata!["source"]!.GetValue<string>());
        Assert.Equal(32, planEpisode.Metadata![IdempotencyKey.MetadataKey]!.GetValue<string>().Length);
        var data = JsonNode.Parse(planEpisode.Content)!.AsObject();
        Assert.Equal(["kind", "memory", "metadata"], data.Select(p => p.Key));
        Assert.Contains("sleep 7 hours", data["memory"]!.GetValue<string>());

        var readSummary = await client.GetJsonAsync($"{url}/summary");
        Assert.Equal("We talked about sleep.", readSummary.Body.GetProperty("text").GetString());
        var readEmotion = (await client.GetJsonAsync($"{url}/emotional-state")).Body;
        Assert.Equal(0.7, readEmotion.GetProperty("emotions").GetProperty("anxiety").GetDouble());
        Assert.Equal("work", readEmotion.GetProperty("context").GetString());
        Assert.Equal("deadlines", readEmotion.GetProperty("triggers")[0].GetString());
        var readPlan = (await client.GetJsonAsync($"{url}/treatment-plan")).Body;
        Assert.Equal("treatment_plan", readPlan.GetProperty("kind").GetString());
        Assert.Equal(session, readPlan.GetProperty("sessionId").GetString());
        Assert.Equal("sleep 7 hours", readPlan.GetProperty("goals")[0].GetString());
        Assert.Equal("CBT-I", readPlan.GetProperty("interventions")[0].GetString());
        Assert.Equal(5, readPlan.GetProperty("progressMetrics").GetProperty("nightsLogged").GetInt32());
        Assert.Equal("8 weeks", readPlan.GetProperty("duration").GetString());

        var userPlan = (await client.GetJsonAsync($"api/v1/users/{patient}/treatment-plan")).Body;
        Assert.Equal(readPlan.GetProperty("recordId").GetString(), userPlan.GetProperty("recordId").GetString());
    }

    [Fact]
    public async Task The_latest_record_is_found_behind_more_than_one_zep_page_of_newer_episodes()
    {
        var patient = await host.NewUserAsync();
        var session = await host.NewSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        var old = DateTimeOffset.UtcNow.AddDays(-30);
        for (var i = 0; i < 5; i++) // older plans of the same session
            await host.Zep().AddDataAsync(new AddDataRequest($$$"""{"kind":"treatment_plan","memory":"old {{{i}}}","metadata":{"goals":["old {{{i}}}"]}}""", "json", patient,
                UserPlanner.Rfc3339(old.AddMinutes(i)), new JsonObject { ["mem0_kind"] = "treatment_plan", ["session_id"] = session }), default);
        var written = await client.PostJsonAsync($"api/v1/memory/{session}/treatment-plan", new { goals = new[] { "the current plan" } });
        var later = DateTimeOffset.UtcNow.AddHours(1);
        for (var i = 0; i < 60; i++) // newer episodes that are not plans: more than one page (50) in front of it
            await host.Zep().AddDataAsync(new AddDataRequest($"a later note {i}", "text", patient, UserPlanner.Rfc3339(later.AddMinutes(i))), default);

        var (status, plan) = await client.GetJsonAsync($"api/v1/memory/{session}/treatment-plan");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(written.Body.GetProperty("recordId").GetString(), plan.GetProperty("recordId").GetString());
        var userPlan = (await client.GetJsonAsync($"api/v1/users/{patient}/treatment-plan")).Body;
        Assert.Equal("the current plan", userPlan.GetProperty("goals")[0].GetString());
    }

    [Fact]
    public async Task The_latest_of_a_user_is_the_newest_across_sessions_and_a_session_reads_only_its_own()
    {
        var patient = await host.NewUserAsync();
        var first = await host.NewSessionAsync(patient);
        var second = await host.NewSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        await client.PostJsonAsync($"api/v1/memory/{first}/summary", new { text = "first session" });
        await Task.Delay(20);
        await client.PostJsonAsync($"api/v1/memory/{second}/summary", new { text = "second session" });

        Assert.Equal("first session", (await client.GetJsonAsync($"api/v1/memory/{first}/summary")).Body.GetProperty("text").GetString());
        var latest = (await client.GetJsonAsync($"api/v1/users/{patient}/summary")).Body;
        Assert.Equal("second session", latest.GetProperty("text").GetString());
        Assert.Equal(second, latest.GetProperty("sessionId").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync($"api/v1/memory/{first}/emotional-state")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync($"api/v1/users/{patient}/emotional-state")).Status);
    }

    [Fact]
    public async Task Bad_records_are_400_naming_the_field()
    {
        var patient = await host.NewUserAsync();
        var session = await host.NewSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        var url = $"api/v1/memory/{session}";

        async Task<string> FieldOf(string route, object body)
        {
            var (status, problem) = await client.PostJsonAsync($"{url}/{route}", body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            return Fixtures.FieldOf(problem);
        }

        Assert.Equal("text", await FieldOf("summary", new { text = " " }));
        Assert.Equal("text", await FieldOf("summary", new { text = new string('a', 10_001) }));
        Assert.Equal("emotions.anger", await FieldOf("emotional-state", new { emotions = new Dictionary<string, double> { ["calm"] = 0.2, ["anger"] = 1.5 } }));
        Assert.Equal("emotions", await FieldOf("emotional-state", new { emotions = new Dictionary<string, double>() }));
        Assert.Equal("goals", await FieldOf("treatment-plan", new { goals = Array.Empty<string>() }));
        Assert.Equal("goals[1]", await FieldOf("treatment-plan", new { goals = new[] { "a", "" } }));
        Assert.Equal("progressMetrics.mood", await FieldOf("treatment-plan", new { goals = new[] { "a" }, progressMetrics = new { mood = new[] { 1 } } }));
        Assert.Empty(await host.Zep().GetAllUserEpisodesAsync(patient, default));
    }

    [Fact]
    public async Task Stats_count_messages_and_records_with_the_first_and_last_instants()
    {
        var patient = await host.NewUserAsync();
        var session = await host.NewSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        await client.PostJsonAsync($"api/v1/memory/{session}/messages", new
        {
            messages = new[]
            {
                new { role = "user", content = "one", createdAt = "2026-03-01T10:00:00Z" },
                new { role = "assistant", content = "two", createdAt = "2026-03-01T10:05:00Z" },
                new { role = "user", content = "three", createdAt = "2026-03-01T10:09:00Z" },
            },
        });
        await client.PostJsonAsync($"api/v1/memory/{session}/summary", new { text = "a" });
        await client.PostJsonAsync($"api/v1/memory/{session}/summary", new { text = "b" });
        await client.PostJsonAsync($"api/v1/memory/{session}/emotional-state", new { emotions = new { calm = 0.5 } });
        var other = await host.NewSessionAsync(patient);
        await client.PostJsonAsync($"api/v1/memory/{other}/treatment-plan", new { goals = new[] { "not this session's" } });

        var (status, stats) = await client.GetJsonAsync($"api/v1/memory/{session}/stats");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, stats.GetProperty("messageCount").GetInt32());
        Assert.StartsWith("2026-03-01T10:00:00", stats.GetProperty("firstMessageAt").GetString());
        Assert.StartsWith("2026-03-01T10:09:00", stats.GetProperty("lastMessageAt").GetString());
        var records = stats.GetProperty("records");
        Assert.Equal(2, records.GetProperty("session_summary").GetInt32());
        Assert.Equal(1, records.GetProperty("emotional_state").GetInt32());
        Assert.False(records.TryGetProperty("treatment_plan", out _));
    }
}
