using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Tests.Support;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Tests;

[Collection(MemoryCollection.Name)]
public sealed class Erasing_a_user(MemoryHost host)
{
    [Fact]
    public async Task Erasure_removes_the_zep_user_with_its_threads_and_graph_and_our_rows_but_keeps_the_audit()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var therapist = await host.CreateUserAsync(MemoryRoles.Therapist);
        await host.AssignAsync(patient, therapist);
        var sessionId = await host.StartSessionAsync(patient);
        var episode = await host.Zep().AddDataAsync(new AddDataRequest("{\"kind\":\"note\"}", "json", patient), default);
        Assert.NotNull(host.Emulator.Store.GetEpisode(episode.Uuid!));

        using var admin = host.Admin();
        using var response = await admin.DeleteAsync($"api/v1/users/{patient}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.JsonAsync();
        Assert.True(answer.GetProperty("erased").GetBoolean());
        Assert.Equal(1, answer.GetProperty("sessionsRemoved").GetInt32());
        Assert.False(host.Emulator.Store.UserExists(patient));
        Assert.Null(host.Emulator.Store.GetThread(sessionId));
        Assert.Null(host.Emulator.Store.GetEpisode(episode.Uuid!));
        Assert.Null(await host.Zep().GetUserAsync(patient, default));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"api/v1/users/{patient}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"api/v1/sessions/{sessionId}")).StatusCode);

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MemoryDbContext>();
        Assert.False(await db.Sessions.AnyAsync(s => s.UserId == patient));
        Assert.False(await db.Assignments.AnyAsync(a => a.PatientId == patient));
        Assert.True(await db.Audit.AnyAsync(a => a.Action == "user.erase" && a.SubjectUserId == patient && a.Outcome == "ok"));
        Assert.True(await db.Audit.AnyAsync(a => a.Action == "session.start" && a.SubjectUserId == patient));
    }

    [Fact]
    public async Task Erasing_a_therapist_removes_their_assignments()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        var therapist = await host.CreateUserAsync(MemoryRoles.Therapist);
        await host.AssignAsync(patient, therapist);

        using var admin = host.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"api/v1/users/{therapist}")).StatusCode);

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MemoryDbContext>();
        Assert.False(await db.Assignments.AnyAsync(a => a.TherapistId == therapist));
    }

    [Fact]
    public async Task Erasing_a_user_nobody_knows_is_404()
    {
        using var admin = host.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"api/v1/users/{MemoryHost.NewId("nobody")}")).StatusCode);
    }

    [Theory]
    [InlineData(MemoryRoles.Support)]
    [InlineData(MemoryRoles.Therapist)]
    public async Task Only_an_admin_erases(string role)
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        using var client = host.As(MemoryHost.NewId(role), role);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"api/v1/users/{patient}")).StatusCode);
        Assert.True(host.Emulator.Store.UserExists(patient));
    }

    [Fact]
    public async Task A_patient_cannot_erase_themselves()
    {
        var patient = await host.CreateUserAsync(MemoryRoles.Patient);
        using var client = host.As(patient, MemoryRoles.Patient);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"api/v1/users/{patient}")).StatusCode);
        Assert.True(host.Emulator.Store.UserExists(patient));
    }
}
