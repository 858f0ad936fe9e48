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
/// moment. Each user is claimed by exactly one of them: no user is sent twice, and every user is sent.
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

    private static async Task<Guid> StageAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var runId = Guid.NewGuid();
        db.Runs.Add(new MigrationRun { Id = runId, Status = RunStatus.Migrating, CreatedAt = DateTimeOffset.UtcNow, MaxUsersInFlight = 1000 });
        for (var i = 0; i < Users; i++)
            db.RunUsers.Add(new RunUser { RunId = runId, UserKey = $"patient-{i:D3}", Status = UserStatus.Staged, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return runId;
    }
}
