using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Api.Tests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class Controlling_a_run(ApiHost api)
{
    private const int Users = 25;

    [Fact]
    public async Task A_paused_run_dispatches_no_new_user_until_resumed_then_completes()
    {
        var runId = await api.StartAsync(Exports.Platform(Exports.Prefix(), Users), ("maxUsersInFlight", "1"));

        var paused = await (await api.Operator().PostAsJsonAsync($"api/v1/migrations/{runId}/pause", new { reason = "maintenance window" })).AssertAcceptedAsync();
        Assert.Equal("pause", paused.GetProperty("action").GetString());

        // Once staged and the user in flight (if any) settled, nothing moves while paused.
        await api.WaitAsync(runId, r => r.GetProperty("users").GetProperty("total").GetInt32() == Users && InFlight(runId) == 0,
            "staged and quiet while paused");
        // Read again: the report the wait looked at was taken before the ledger said nothing was in flight any more.
        var settled = await api.GetRunAsync(runId);
        Assert.Equal("paused", settled.GetProperty("status").GetString());
        Assert.Equal("maintenance window", settled.GetProperty("statusReason").GetString());
        await Task.Delay(1000);
        var still = await api.GetRunAsync(runId);
        Assert.Equal("paused", still.GetProperty("status").GetString());
        Assert.Equal(Settled(settled), Settled(still));
        Assert.True(Settled(still) <= 1, $"at most the user in flight at the pause settled, got {Settled(still)}");

        await (await api.Operator().PostAsync($"api/v1/migrations/{runId}/resume", null)).AssertAcceptedAsync();
        var done = await api.WaitFinishedAsync(runId);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(Users, done.GetProperty("users").GetProperty("verified").GetInt32());

        await (await api.Operator().PostAsync($"api/v1/migrations/{runId}/pause", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await api.Operator().PostAsync($"api/v1/migrations/{runId}/resume", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_cancelled_run_leaves_its_waiting_users_unmigrated()
    {
        var prefix = Exports.Prefix();
        var runId = await api.StartAsync(Exports.Platform(prefix, Users), ("maxUsersInFlight", "1"));

        var cancelled = await (await api.Operator().PostAsJsonAsync($"api/v1/migrations/{runId}/cancel", new { reason = "wrong export" })).AssertAcceptedAsync();
        Assert.Equal("cancel", cancelled.GetProperty("action").GetString());

        var run = await api.WaitFinishedAsync(runId);
        Assert.Equal("cancelled", run.GetProperty("status").GetString());
        Assert.True(run.GetProperty("users").GetProperty("verified").GetInt32() <= 1);
        var zepUsers = api.Emulator.Store.GetUsers().Count(u => u.UserId.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(zepUsers <= 1, $"at most the user in flight reached Zep, got {zepUsers}");
        await (await api.Operator().PostAsync($"api/v1/migrations/{runId}/cancel", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await api.Operator().PostAsync($"api/v1/migrations/{runId}/retry", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Retry_sends_failed_users_again_until_they_are_verified()
    {
        var prefix = Exports.Prefix();
        var runId = await api.StartAsync(Exports.Platform(prefix, users: 2));
        await api.WaitFinishedAsync(runId);
        await using (var scope = api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
            await db.RunUsers.Where(u => u.RunId == runId && u.UserKey == $"{prefix}-u01")
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Failed).SetProperty(u => u.Error, "simulated failure"));
            await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.CompletedWithErrors));
        }
        Assert.Equal(1, (await api.GetRunAsync(runId)).GetProperty("rerun").GetProperty("usersToRetry").GetInt32());

        var retried = await (await api.Operator().PostAsync($"api/v1/migrations/{runId}/retry", null)).AssertAcceptedAsync();

        Assert.Equal(1, retried.GetProperty("users").GetInt32());
        var run = await api.WaitAsync(runId, r => r.GetProperty("status").GetString() == "completed", "completed after retry");
        Assert.Equal(2, run.GetProperty("users").GetProperty("verified").GetInt32());
    }

    [Fact]
    public async Task Revalidate_reads_zep_back_and_finds_what_went_missing()
    {
        var prefix = Exports.Prefix();
        var runId = await api.StartAsync(Exports.Platform(prefix, users: 2));
        await api.WaitFinishedAsync(runId);
        Assert.True(api.Emulator.Store.DeleteUser($"{prefix}-u00"));

        var all = await (await api.Operator().PostAsync($"api/v1/migrations/{runId}/revalidate", null)).AssertAcceptedAsync();
        Assert.Equal(2, all.GetProperty("users").GetInt32());
        var run = await api.WaitAsync(runId, r => r.GetProperty("users").GetProperty("mismatched").GetInt32() == 1, "one user mismatched");
        Assert.Equal(1, run.GetProperty("users").GetProperty("verified").GetInt32());
        var mismatched = await (await api.Viewer().GetAsync($"api/v1/migrations/{runId}/users?status=mismatched")).JsonAsync();
        Assert.Equal($"{prefix}-u00", Assert.Single(mismatched.GetProperty("users").EnumerateArray()).GetProperty("user").GetString());
        var report = await (await api.Viewer().GetAsync($"api/v1/migrations/{runId}/report")).JsonAsync();
        Assert.NotEmpty(report.GetProperty("findings").EnumerateArray());

        var one = await (await api.Operator().PostAsJsonAsync($"api/v1/migrations/{runId}/revalidate", new { user = $"{prefix}-u01" })).AssertAcceptedAsync();
        Assert.Equal(1, one.GetProperty("users").GetInt32());
        await (await api.Operator().PostAsJsonAsync($"api/v1/migrations/{runId}/revalidate", new { user = "nobody" })).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_dry_run_cannot_be_retried_or_revalidated()
    {
        var runId = await api.StartAsync(Exports.Platform(Exports.Prefix(), 1), ("dryRun", "true"));
        await api.WaitFinishedAsync(runId);
        await (await api.Operator().PostAsync($"api/v1/migrations/{runId}/retry", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await api.Operator().PostAsync($"api/v1/migrations/{runId}/revalidate", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("cancel")]
    [InlineData("retry")]
    [InlineData("revalidate")]
    public async Task An_action_on_an_unknown_run_is_404(string action)
    {
        var response = await api.Operator().PostAsync($"api/v1/migrations/{Guid.NewGuid()}/{action}", null);
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private static int Settled(JsonElement run) => run.GetProperty("progress").GetProperty("usersSettled").GetInt32();

    private int InFlight(Guid runId)
    {
        using var scope = api.Services.CreateScope();
        UserStatus[] inFlight = [UserStatus.Queued, UserStatus.Migrating, UserStatus.Migrated];
        return scope.ServiceProvider.GetRequiredService<LedgerDbContext>().RunUsers.Count(u => u.RunId == runId && inFlight.Contains(u.Status));
    }
}
