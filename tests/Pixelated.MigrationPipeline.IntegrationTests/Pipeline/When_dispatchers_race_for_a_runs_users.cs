using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// Several dispatchers (one per settling user, in several workers) hand out the same run's waiting users at the same
/// moment. Each user is claimed by exactly one of them: no user is sent twice, every user is sent, and together they never
/// send more users than the run's cap.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_dispatchers_race_for_a_runs_users(InfrastructureFixture infrastructure)
{
    private const int Users = 60;

    [Fact]
    public async Task Each_user_is_sent_once()
    {
        var ledger = await infrastructure.CreateDatabaseAsync("dispatchers_race");
        using var host = await ServiceHost.LedgerOnlyAsync(ledger, s => s.AddScoped<RunDispatcher>());
        var runId = await StageAsync(host.Services);

        var sent = new ConcurrentBag<string>();
        async Task Publish(MigrateUser m)
        {
            await Task.Delay(5); // a broker round trip: the window in which another dispatcher reads the same waiting users
            sent.Add(m.UserKey);
        }

        var dispatched = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            await using var scope = host.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<RunDispatcher>().DispatchAsync(runId, Publish, CancellationToken.None);
        }));

        Assert.Equal(sent.Count, sent.Distinct().Count());
        Assert.Equal(Users, sent.Count);
        Assert.Equal(Users, dispatched.Sum());
        await using var check = host.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<LedgerDbContext>();
        Assert.Equal(Users, await db.RunUsers.CountAsync(u => u.RunId == runId && u.Status == UserStatus.Queued));
    }

    [Fact]
    public async Task Together_they_never_send_more_users_than_the_runs_cap()
    {
        const int cap = 10;
        var ledger = await infrastructure.CreateDatabaseAsync("dispatchers_race_cap");
        using var host = await ServiceHost.LedgerOnlyAsync(ledger, s => s.AddScoped<RunDispatcher>());
        var runId = await StageAsync(host.Services, cap);

        var sent = new ConcurrentBag<string>();
        async Task Publish(MigrateUser m)
        {
            await Task.Delay(5);
            sent.Add(m.UserKey);
        }

        var dispatched = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            await using var scope = host.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<RunDispatcher>().DispatchAsync(runId, Publish, CancellationToken.None);
        }));

        Assert.Equal(cap, sent.Count);
        Assert.Equal(cap, sent.Distinct().Count());
        Assert.Equal(cap, dispatched.Sum());
        Assert.Equal(Enumerable.Range(0, cap).Select(i => $"patient-{i:D3}"), sent.Order()); // the next users in key order
        await using var check = host.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<LedgerDbContext>();
        Assert.Equal(cap, await db.RunUsers.CountAsync(u => u.RunId == runId && u.Status == UserStatus.Queued));
    }

    /// <summary>
    /// A dispatcher that finds another one holding the turn returns at once instead of queueing on the lock (with two busy
    /// workers most consumers used to wait there); the holder looks again after its commit, so the slot of the user that
    /// settled during its turn is still filled.
    /// </summary>
    [Fact]
    public async Task One_that_finds_the_turn_taken_returns_at_once_and_the_holder_fills_the_slot_freed_meanwhile()
    {
        const int cap = 2;
        var ledger = await infrastructure.CreateDatabaseAsync("dispatchers_turn_taken");
        using var host = await ServiceHost.LedgerOnlyAsync(ledger, s => s.AddScoped<RunDispatcher>());
        var runId = await StageAsync(host.Services, cap);
        async Task<int> DispatchAsync(Func<MigrateUser, Task> publish)
        {
            await using var scope = host.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<RunDispatcher>().DispatchAsync(runId, publish, CancellationToken.None);
        }
        async Task SettleAsync(string user)
        {
            await using var scope = host.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().RunUsers.Where(u => u.RunId == runId && u.UserKey == user)
                .ExecuteUpdateAsync(x => x.SetProperty(u => u.Status, UserStatus.Verified));
        }

        Assert.Equal(2, await DispatchAsync(_ => Task.CompletedTask)); // patient-000 and -001 in flight
        await SettleAsync("patient-000");
        var publishing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sent = new ConcurrentQueue<string>();
        var holder = DispatchAsync(async m =>
        {
            sent.Enqueue(m.UserKey);
            publishing.TrySetResult();
            await release.Task; // holds the turn, having counted patient-001 in flight
        });
        await publishing.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await SettleAsync("patient-001");
        Assert.Equal(0, await DispatchAsync(_ => throw new InvalidOperationException("the turn is taken")).WaitAsync(TimeSpan.FromSeconds(10)));
        release.SetResult();

        Assert.Equal(2, await holder.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["patient-002", "patient-003"], sent);
        await using var check = host.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<LedgerDbContext>();
        Assert.Equal(["patient-002", "patient-003"], await db.RunUsers.Where(u => u.RunId == runId && u.Status == UserStatus.Queued)
            .OrderBy(u => u.UserKey).Select(u => u.UserKey).ToListAsync());
    }

    private static async Task<Guid> StageAsync(IServiceProvider services, int cap = 1000)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var runId = Guid.NewGuid();
        db.Runs.Add(new MigrationRun { Id = runId, Status = RunStatus.Migrating, CreatedAt = DateTimeOffset.UtcNow, MaxUsersInFlight = cap });
        for (var i = 0; i < Users; i++)
            db.RunUsers.Add(new RunUser { RunId = runId, UserKey = $"patient-{i:D3}", Status = UserStatus.Staged, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return runId;
    }
}
