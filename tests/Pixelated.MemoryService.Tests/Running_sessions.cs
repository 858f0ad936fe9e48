using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Tests.Support;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Tests;

[Collection(MemoryCollection.Name)]
public sealed class Running_sessions(MemoryHost host)
{
    [Fact]
    public async Task A_patient_starts_a_session_which_is_a_zep_thread_and_reads_as_open()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        var before = DateTimeOffset.UtcNow;
        using var started = await client.PostAsJsonAsync("api/v1/sessions", new { userId = patient });

        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var answer = await started.JsonAsync();
        var sessionId = answer.GetProperty("sessionId").GetString()!;
        Assert.Matches("^session-[0-9a-f]{32}$", sessionId);
        Assert.Equal($"/api/v1/sessions/{sessionId}", started.Headers.Location?.OriginalString);
        Assert.Equal("open", answer.GetProperty("state").GetString());
        var expiresAt = answer.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, before.AddMinutes(30).AddSeconds(-5), DateTimeOffset.UtcNow.AddMinutes(30).AddSeconds(5));
        Assert.Equal(patient, host.Emulator.Store.GetThread(sessionId)?.UserId);

        var details = await (await client.GetAsync($"api/v1/sessions/{sessionId}")).JsonAsync();
        Assert.Equal("open", details.GetProperty("state").GetString());
        Assert.Equal(patient, details.GetProperty("userId").GetString());
        Assert.Equal(JsonValueKind.Null, details.GetProperty("closedAt").ValueKind);
    }

    [Theory]
    [InlineData(4, HttpStatusCode.BadRequest)]
    [InlineData(5, HttpStatusCode.Created)]
    [InlineData(1440, HttpStatusCode.Created)]
    [InlineData(1441, HttpStatusCode.BadRequest)]
    public async Task The_timeout_is_between_5_and_1440_minutes(int timeoutMinutes, HttpStatusCode expected)
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        using var response = await client.PostAsJsonAsync("api/v1/sessions", new { userId = patient, timeoutMinutes });
        if (expected == HttpStatusCode.BadRequest) await response.AssertInvalidAsync("timeoutMinutes");
        else Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_session_for_an_unknown_user_is_404_and_for_another_patient_403()
    {
        using var admin = host.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("api/v1/sessions", new { userId = MemoryHost.NewId("nobody") })).StatusCode);

        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var other = await host.CreateUserAsync(MemoryRoles.Patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("api/v1/sessions", new { userId = other })).StatusCode);
        Assert.Empty(host.Emulator.Store.GetThreadIds(other));
    }

    [Fact]
    public async Task An_assigned_therapist_starts_and_reads_a_patients_session_and_an_unassigned_one_cannot()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var assigned = await host.CreateUserAsync(MemoryRoles.Therapist);
        var stranger = await host.CreateUserAsync(MemoryRoles.Therapist);
        await host.AssignAsync(patient, assigned);

        using var therapist = host.As(assigned, MemoryRoles.Therapist);
        using var started = await therapist.PostAsJsonAsync("api/v1/sessions", new { userId = patient });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var sessionId = (await started.JsonAsync()).GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await therapist.GetAsync($"api/v1/sessions/{sessionId}")).StatusCode);

        using var other = host.As(stranger, MemoryRoles.Therapist);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsJsonAsync("api/v1/sessions", new { userId = patient })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"api/v1/sessions/{sessionId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync($"api/v1/sessions/{sessionId}/close", null)).StatusCode);
    }

    [Fact]
    public async Task Support_reads_and_closes_a_session_but_does_not_start_one()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var sessionId = await host.StartSessionAsync(patient);
        using var support = host.As(MemoryHost.NewId("support"), MemoryRoles.Support);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.PostAsJsonAsync("api/v1/sessions", new { userId = patient })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await support.GetAsync($"api/v1/sessions/{sessionId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await support.PostAsync($"api/v1/sessions/{sessionId}/close", null)).StatusCode);
    }

    [Fact]
    public async Task A_patient_reads_their_own_session_and_not_another_ones_and_an_unknown_one_is_404()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var other = await host.CreateUserAsync(MemoryRoles.Patient);
        var own = await host.StartSessionAsync(patient);
        var theirs = await host.StartSessionAsync(other);
        using var client = host.As(patient, MemoryRoles.Patient);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"api/v1/sessions/{own}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"api/v1/sessions/{theirs}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"api/v1/sessions/{MemoryHost.NewId("session")}")).StatusCode);
    }

    [Fact]
    public async Task A_closed_session_still_reads_and_closing_it_again_is_a_conflict()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var sessionId = await host.StartSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);

        using var closed = await client.PostAsync($"api/v1/sessions/{sessionId}/close", null);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("closed", (await closed.JsonAsync()).GetProperty("state").GetString());

        using var again = await client.PostAsync($"api/v1/sessions/{sessionId}/close", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already closed", await again.Content.ReadAsStringAsync());

        using var read = await client.GetAsync($"api/v1/sessions/{sessionId}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var details = await read.JsonAsync();
        Assert.Equal(("closed", "closed"), (details.GetProperty("state").GetString(), details.GetProperty("closeReason").GetString()));
        Assert.NotEqual(JsonValueKind.Null, details.GetProperty("closedAt").ValueKind);
    }

    [Fact]
    public async Task A_write_slides_the_expiry_to_the_write_time_plus_the_timeout_and_a_read_does_not()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var sessionId = await host.StartSessionAsync(patient, timeoutMinutes: 7);
        var soon = DateTimeOffset.UtcNow.AddMinutes(1);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MemoryDbContext>();
            Assert.Equal(1, await db.Sessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(r => r.ExpiresAt, soon)));
        }
        using var client = host.As(patient, MemoryRoles.Patient);
        DateTimeOffset ExpiresAt(JsonElement session) => session.GetProperty("expiresAt").GetDateTimeOffset();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"api/v1/memory/{sessionId}/history")).StatusCode);
        Assert.Equal(soon, ExpiresAt(await (await client.GetAsync($"api/v1/sessions/{sessionId}")).JsonAsync()), TimeSpan.FromMilliseconds(1));

        var before = DateTimeOffset.UtcNow;
        using var stored = await client.PostAsJsonAsync($"api/v1/memory/{sessionId}/messages",
            new { messages = new[] { new { role = "user", content = "slides the expiry" } } });
        Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        var slid = ExpiresAt(await (await client.GetAsync($"api/v1/sessions/{sessionId}")).JsonAsync());
        Assert.InRange(slid, before.AddMinutes(7).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(7).AddSeconds(1));
    }

    [Fact]
    public async Task The_sweep_closes_a_session_past_its_expiry_as_expired()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var sessionId = await host.StartSessionAsync(patient, timeoutMinutes: 5);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MemoryDbContext>();
            var past = DateTimeOffset.UtcNow.AddMinutes(-1);
            Assert.Equal(1, await db.Sessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(r => r.ExpiresAt, past)));
        }

        using var client = host.As(patient, MemoryRoles.Patient);
        JsonElement details = default;
        // The state reads "expired" as soon as the expiry passes; closedAt and the reason are the sweep's.
        Assert.True(await UserSetup.EventuallyAsync(async () =>
        {
            details = await (await client.GetAsync($"api/v1/sessions/{sessionId}")).JsonAsync();
            return details.GetProperty("closedAt").ValueKind != JsonValueKind.Null;
        }, TimeSpan.FromSeconds(5)), "the sweep did not close the expired session within 5 s");
        Assert.Equal(("expired", "expired"), (details.GetProperty("state").GetString(), details.GetProperty("closeReason").GetString()));

        using var close = await client.PostAsync($"api/v1/sessions/{sessionId}/close", null);
        Assert.Equal(HttpStatusCode.Conflict, close.StatusCode);
        Assert.Contains("expired", await close.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_migrated_thread_reads_as_an_imported_session_that_cannot_be_closed()
    {
        var patient = await host.CreateMigratedUserAsync(MemoryRoles.Patient);
        var threadId = $"mem0-{patient}-s1";
        Assert.True(await host.Zep().CreateThreadAsync(new CreateThreadRequest(threadId, patient), default));
        using var client = host.As(patient, MemoryRoles.Patient);

        var details = await (await client.GetAsync($"api/v1/sessions/{threadId}")).JsonAsync();
        Assert.Equal(("imported", patient), (details.GetProperty("state").GetString(), details.GetProperty("userId").GetString()));
        Assert.Equal(JsonValueKind.Null, details.GetProperty("expiresAt").ValueKind);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"api/v1/sessions/{threadId}/close", null)).StatusCode);
    }

    [Fact]
    public async Task A_users_sessions_list_their_own_and_imported_threads_newest_first()
    {
        var patient = await host.CreateMigratedUserAsync(MemoryRoles.Patient);
        var threadId = $"mem0-{patient}-old";
        Assert.True(await host.Zep().CreateThreadAsync(new CreateThreadRequest(threadId, patient), default));
        var first = await host.StartSessionAsync(patient);
        var second = await host.StartSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"api/v1/sessions/{first}/close", null)).StatusCode);

        using var response = await client.GetAsync($"api/v1/users/{patient}/sessions");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = (await response.JsonAsync()).EnumerateArray()
            .Select(s => (s.GetProperty("sessionId").GetString(), s.GetProperty("state").GetString())).ToList();
        Assert.Equal([(second, "open"), (first, "closed"), (threadId, "imported")], list);

        var other = await host.CreateUserAsync(MemoryRoles.Patient);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"api/v1/users/{other}/sessions")).StatusCode);
        using var admin = host.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"api/v1/users/{MemoryHost.NewId("nobody")}/sessions")).StatusCode);
    }

    [Fact]
    public async Task Starting_reading_closing_and_listing_are_audited_under_the_session()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var sessionId = await host.StartSessionAsync(patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"api/v1/sessions/{sessionId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"api/v1/sessions/{sessionId}/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"api/v1/sessions/{sessionId}/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"api/v1/users/{patient}/sessions")).StatusCode);

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MemoryDbContext>();
        var rows = await db.Audit.AsNoTracking().Where(a => a.SubjectUserId == patient && a.Action != "user.create")
            .OrderBy(a => a.Id).Select(a => new { a.Action, a.Outcome, a.SessionId }).ToListAsync();
        Assert.Equal(
            [("session.start", "ok", sessionId), ("session.read", "ok", sessionId), ("session.close", "ok", sessionId),
             ("session.close", "conflict", sessionId), ("user.sessions", "ok", null)],
            rows.Select(r => (r.Action, r.Outcome, r.SessionId)));
    }
}
