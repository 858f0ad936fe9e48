using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Data.Entities;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Tests.Support;

/// <summary>
/// What the memory tests stand on, made directly (the session-start route is not theirs): Zep users and threads through the
/// service's own <see cref="ZepClient"/>, session rows and therapist assignments through its database. A migrated thread is
/// a Zep thread without a row.
/// </summary>
public static class Fixtures
{
    public enum Session { Open, Closed, Expired }

    /// <summary>A new Zep user (a fresh id).</summary>
    public static async Task<string> NewUserAsync(this MemoryHost host, string prefix = "patient")
    {
        var userId = MemoryHost.NewId(prefix);
        await host.Zep().CreateUserAsync(new CreateUserRequest(userId), default);
        return userId;
    }

    /// <summary>A session of <paramref name="userId"/> as the service keeps one: a Zep thread and a row (open, closed or expired).</summary>
    public static async Task<string> NewSessionAsync(this MemoryHost host, string userId, Session state = Session.Open)
    {
        var sessionId = MemoryHost.NewId("session");
        await host.Zep().CreateThreadAsync(new CreateThreadRequest(sessionId, userId), default);
        var now = DateTimeOffset.UtcNow;
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MemoryDbContext>();
        db.Sessions.Add(new SessionRow
        {
            Id = sessionId,
            UserId = userId,
            StartedBy = userId,
            TimeoutMinutes = 30,
            CreatedAt = now.AddMinutes(-40),
            LastActivityAt = now.AddMinutes(-40),
            ExpiresAt = state == Session.Expired ? now.AddMinutes(-10) : now.AddMinutes(30),
            ClosedAt = state == Session.Closed ? now.AddMinutes(-1) : null,
            CloseReason = state == Session.Closed ? "closed" : null,
        });
        await db.SaveChangesAsync();
        return sessionId;
    }

    /// <summary>A migrated session: a Zep thread of <paramref name="userId"/> with messages, and no row.</summary>
    public static async Task<string> NewImportedThreadAsync(this MemoryHost host, string userId, params ZepMessage[] messages)
    {
        var threadId = MemoryHost.NewId("mem0");
        await host.Zep().CreateThreadAsync(new CreateThreadRequest(threadId, userId), default);
        if (messages.Length > 0) await host.Zep().AddMessagesAsync(threadId, new AddMessagesRequest(messages), default);
        return threadId;
    }

    public static async Task AssignInDatabaseAsync(this MemoryHost host, string patientId, string therapistId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MemoryDbContext>();
        db.Assignments.Add(new TherapistAssignment { PatientId = patientId, TherapistId = therapistId, AssignedBy = "tests", AssignedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    public static async Task<SessionRow> SessionRowAsync(this MemoryHost host, string sessionId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MemoryDbContext>().Sessions.FindAsync(sessionId)
            ?? throw new InvalidOperationException("no such session row");
    }

    /// <summary>POSTs <paramref name="body"/> as JSON and reads the answer as JSON (whatever its status).</summary>
    public static async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> PostJsonAsync(this HttpClient client, string url, object body)
    {
        using var response = await client.PostAsJsonAsync(url, body);
        return (response.StatusCode, await BodyOf(response));
    }

    public static async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> GetJsonAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return (response.StatusCode, await BodyOf(response));
    }

    /// <summary>The field a 400 names (<c>errors</c>' first key).</summary>
    public static string FieldOf(JsonElement problem) => problem.GetProperty("errors").EnumerateObject().First().Name;

    private static async Task<JsonElement> BodyOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
