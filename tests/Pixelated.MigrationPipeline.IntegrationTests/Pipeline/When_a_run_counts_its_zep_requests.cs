using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// A run's Zep request counter (the report's requests per item) holds every request its consumers sent, each once: a
/// migration records its requests in its outcome transaction, and whatever a unit of work has not recorded in a committed
/// transaction (a rollback, a failure) is added when it ends.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_a_run_counts_its_zep_requests(InfrastructureFixture infrastructure)
{
    private const string User = "patient-requests";

    [Fact]
    public async Task A_migrated_user_adds_each_request_it_sent_once()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        using var host = await ServiceHost.MigrationAsync(await infrastructure.CreateDatabaseAsync("requests_migrated"), zep, "sequential");
        var runId = await OneUserStaging.StageAsync(host.Services, User, messages: 4, memories: 3);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            Assert.True(await services.GetRequiredService<RunZepRequests>().MeasureAsync(runId,
                () => services.GetRequiredService<UserMigrationService>().MigrateAsync(runId, User, CancellationToken.None)));
        }

        var sent = SentToZep(zep);
        Assert.InRange(sent, 4, 10); // user, thread(s), messages, episodes
        Assert.Equal(sent, await RunRequestsAsync(host.Services, runId));
    }

    [Fact]
    public async Task Requests_recorded_in_a_transaction_that_rolls_back_are_still_added_once()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        using var host = await ServiceHost.MigrationAsync(await infrastructure.CreateDatabaseAsync("requests_rolled_back"), zep, "sequential");
        var runId = await OneUserStaging.StageAsync(host.Services, User, messages: 0, memories: 1);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var (db, client, requests) = (services.GetRequiredService<LedgerDbContext>(), services.GetRequiredService<ZepClient>(), services.GetRequiredService<RunZepRequests>());
            await Assert.ThrowsAsync<InvalidOperationException>(() => requests.MeasureAsync<bool>(runId, async () =>
            {
                await client.GetUserAsync("nobody-1", CancellationToken.None);
                await client.GetUserAsync("nobody-2", CancellationToken.None);
                await using (var transaction = await db.Database.BeginTransactionAsync())
                {
                    await requests.AddInTransactionAsync(runId, CancellationToken.None); // rolled back: not committed
                }
                await using (var transaction = await db.Database.BeginTransactionAsync())
                {
                    var recorded = await requests.AddInTransactionAsync(runId, CancellationToken.None);
                    await transaction.CommitAsync();
                    recorded();
                }
                await client.GetUserAsync("nobody-3", CancellationToken.None);
                throw new InvalidOperationException("the unit of work fails after its transaction");
            }));
        }

        Assert.Equal(3, SentToZep(zep));
        Assert.Equal(3, await RunRequestsAsync(host.Services, runId));
    }

    private static long SentToZep(ZepEmulatorHost zep) => zep.Store.GetStats().RequestsByRoute.Values.Sum();

    private static async Task<long> RunRequestsAsync(IServiceProvider services, Guid runId)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().Runs.Where(r => r.Id == runId).Select(r => r.ZepRequests).SingleAsync();
    }
}
