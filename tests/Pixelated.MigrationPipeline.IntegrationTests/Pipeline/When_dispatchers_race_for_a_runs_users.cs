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
