using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Tests.Support;

namespace Pixelated.MemoryService.Tests;

/// <summary>A client that retries a write after a timeout sends the same <c>Idempotency-Key</c>: it gets the first answer and Zep gets nothing twice.</summary>
[Collection(MemoryCollection.Name)]
public sealed class Retrying_writes(MemoryHost host)
{
    [Fact]
    public async Task A_retried_user_create_gets_the_first_answer_and_creates_one_user()
    {
        var userId = MemoryHost.NewId("retry");
        var admin = MemoryHost.NewId("admin");
        var body = new { userId, email = $"{userId}@clinic.example", name = "Retry Person", role = MemoryRoles.Patient };
        using var client = host.As(admin, MemoryRoles.Admin);

        using var first = await SendAsync(client, HttpMethod.Post, "api/v1/users", body, "create-" + userId);
        using var second = await SendAsync(client, HttpMethod.Post, "api/v1/users", body, "create-" + userId);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode); // not 409 "already exists": the first answer again
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await AuditCountAsync("user.create", userId));

        // Without the key the same request is a new one, and the user exists by now.
        using var unkeyed = await SendAsync(client, HttpMethod.Post, "api/v1/users", body, key: null);
        Assert.Equal(HttpStatusCode.Conflict, unkeyed.StatusCode);
    }

    [Fact]
    public async Task A_retried_message_write_stores_the_messages_once()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var sessionId = await host.StartSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        var body = new { messages = new[] { new { role = "user", content = "first" }, new { role = "assistant", content = "second" } } };

        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var response = await SendAsync(client, HttpMethod.Post, $"api/v1/memory/{sessionId}/messages", body, "messages-1");
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        Assert.Equal(2, host.Emulator.Store.GetMessages(sessionId).Count);
        var count = await (await client.GetAsync($"api/v1/memory/{sessionId}/history/count")).JsonAsync();
        Assert.Equal(2, count.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task The_same_key_on_a_different_request_is_422_and_keys_belong_to_their_caller()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var sessionId = await host.StartSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        var url = $"api/v1/memory/{sessionId}/messages";

        using var first = await SendAsync(client, HttpMethod.Post, url, new { role = "user", content = "one" }, "shared-key");
        using var other = await SendAsync(client, HttpMethod.Post, url, new { role = "user", content = "two" }, "shared-key");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(422, (int)other.StatusCode);
        await other.AssertProblemNamesAsync("Idempotency-Key");

        // An admin using the same key string is another caller: the write runs.
        using var admin = host.Admin();
        using var adminWrite = await SendAsync(admin, HttpMethod.Post, url, new { role = "user", content = "two" }, "shared-key");
        Assert.Equal(HttpStatusCode.Created, adminWrite.StatusCode);
        Assert.Equal(2, host.Emulator.Store.GetMessages(sessionId).Count);
    }

    [Fact]
    public async Task A_malformed_key_is_400_naming_the_header()
    {
        using var admin = host.Admin();
        using var response = await SendAsync(admin, HttpMethod.Post, "api/v1/users",
            new { email = "x@clinic.example", name = "X", role = MemoryRoles.Patient }, new string('k', 201));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.AssertProblemNamesAsync("Idempotency-Key");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object body, string? key)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private async Task<int> AuditCountAsync(string action, string subject)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MemoryDbContext>();
        return await db.Audit.CountAsync(a => a.Action == action && a.SubjectUserId == subject);
    }
}
