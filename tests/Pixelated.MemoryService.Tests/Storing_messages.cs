using System.Net;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Tests.Support;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Tests;

[Collection(MemoryCollection.Name)]
public sealed class Storing_messages(MemoryHost host)
{
    [Fact]
    public async Task Messages_are_stored_in_order_with_the_migrations_roles_and_long_content_split()
    {
        var patient = await host.NewUserAsync();
        var session = await host.NewSessionAsync(patient);
        var before = (await host.SessionRowAsync(session)).ExpiresAt;
        using var client = host.As(patient, MemoryRoles.Patient);
        var longText = string.Join(' ', Enumerable.Repeat("steady breathing helps me.", 300)); // ~8,100 characters
        var (status, body) = await client.PostJsonAsync($"api/v1/memory/{session}/messages", new
        {
            messages = new object[]
            {
                new { role = "therapist", content = "How was your week?", name = "Dr. Ada" },
                new { role = "user", content = longText },
                new { role = "assistant", content = "Thank you for sharing.", createdAt = "2026-01-02T03:04:05Z" },
                new { role = "system", content = "Session note." },
            },
        });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(session, body.GetProperty("sessionId").GetString());
        Assert.Equal(5, body.GetProperty("stored").GetInt32());
        Assert.Equal(5, body.GetProperty("messageUuids").GetArrayLength());
        Assert.False(body.TryGetProperty("content", out _));

        var stored = (await host.Zep().GetThreadMessagesAsync(session, default))!.Messages;
        Assert.Equal(["user", "user", "user", "assistant", "system"], stored.Select(m => m.Role));
        Assert.Equal("therapist", stored[0].Metadata!["mem0_role"]!.GetValue<string>());
        Assert.Equal("Dr. Ada", stored[0].Name);
        Assert.Null(stored[1].Metadata!["mem0_role"]);
        Assert.Equal("1/2", stored[1].Metadata!["pxm_part"]!.GetValue<string>());
        Assert.Equal("2/2", stored[2].Metadata!["pxm_part"]!.GetValue<string>());
        Assert.Equal(longText.Replace(" ", ""), (stored[1].Content + stored[2].Content).Replace(" ", ""));
        Assert.All(stored, m => Assert.True(m.Content.Length <= 4096));
        Assert.All(stored, m => Assert.Equal(32, m.Metadata!["pxm_key"]!.GetValue<string>().Length));
        Assert.Equal(5, stored.Select(m => m.Metadata!["pxm_key"]!.GetValue<string>()).Distinct().Count());
        Assert.StartsWith("2026-01-02T03:04:05", stored[3].CreatedAt);
        Assert.True((await host.SessionRowAsync(session)).ExpiresAt > before);
    }

    [Fact]
    public async Task A_single_message_object_is_accepted_and_more_than_thirty_go_in_several_zep_calls_in_order()
    {
        var patient = await host.NewUserAsync();
        var session = await host.NewSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);

        var single = await client.PostJsonAsync($"api/v1/memory/{session}/messages", new { role = "user", content = "first" });
        Assert.Equal(HttpStatusCode.Created, single.Status);
        Assert.Equal(1, single.Body.GetProperty("stored").GetInt32());

        var many = Enumerable.Range(1, 70).Select(i => new { role = "user", content = $"m{i}" }).ToArray();
        var (status, body) = await client.PostJsonAsync($"api/v1/memory/{session}/messages", new { messages = many });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(70, body.GetProperty("stored").GetInt32());
        var stored = (await host.Zep().GetThreadMessagesAsync(session, default))!.Messages;
        Assert.Equal(["first", .. Enumerable.Range(1, 70).Select(i => $"m{i}")], stored.Select(m => m.Content));
    }

    [Theory]
    [InlineData(Fixtures.Session.Closed, "closed")]
    [InlineData(Fixtures.Session.Expired, "expired")]
    public async Task A_write_to_a_closed_or_expired_session_is_409_naming_why_and_reading_it_still_works(Fixtures.Session state, string reason)
    {
        var patient = await host.NewUserAsync();
        var session = await host.NewSessionAsync(patient, state);
        await host.Zep().AddMessagesAsync(session, new AddMessagesRequest([new ZepMessage("earlier", "user")]), default);
        using var client = host.As(patient, MemoryRoles.Patient);

        var (status, problem) = await client.PostJsonAsync($"api/v1/memory/{session}/messages", new { role = "user", content = "late" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains(reason, problem.GetProperty("detail").GetString());
        var summary = await client.PostJsonAsync($"api/v1/memory/{session}/summary", new { text = "late summary" });
        Assert.Equal(HttpStatusCode.Conflict, summary.Status);

        var history = await client.GetJsonAsync($"api/v1/memory/{session}/history");
        Assert.Equal(HttpStatusCode.OK, history.Status);
        Assert.Equal("earlier", history.Body.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Bad_messages_are_400_naming_the_field_and_an_unknown_session_is_404()
    {
        var patient = await host.NewUserAsync();
        var session = await host.NewSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        var url = $"api/v1/memory/{session}/messages";

        async Task<string> FieldOf(object body)
        {
            var (status, problem) = await client.PostJsonAsync(url, body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            return Fixtures.FieldOf(problem);
        }

        Assert.Equal("messages[1].content", await FieldOf(new { messages = new[] { new { role = "user", content = "ok" }, new { role = "user", content = "   " } } }));
        Assert.Equal("messages[0].role", await FieldOf(new { messages = new[] { new { role = "doctor", content = "hi" } } }));
        Assert.Equal("messages[0].createdAt", await FieldOf(new { messages = new[] { new { role = "user", content = "hi", createdAt = "yesterday" } } }));
        Assert.Equal("messages[0].content", await FieldOf(new { role = "user", content = 42 }));
        Assert.Equal("messages", await FieldOf(new { messages = Array.Empty<object>() }));
        Assert.Equal("messages", await FieldOf(new { messages = Enumerable.Range(0, 101).Select(_ => new { role = "user", content = "x" }) }));
        Assert.Empty((await host.Zep().GetThreadMessagesAsync(session, default))!.Messages);

        var unknown = await client.PostJsonAsync($"api/v1/memory/{MemoryHost.NewId("nosuch")}/messages", new { role = "user", content = "hi" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
    }
}
