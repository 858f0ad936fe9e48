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
/// A run's Zep request count (the report's requests per item) holds every request its consumers sent, each once. It is
/// kept per user (the run's row, shared by every worker, was a queue for its row lock): a migration records its requests
/// with its user's outcome, and whatever a unit of work has not recorded in a committed transaction (a rollback, a
/// failure) is added to its user when it ends. The run's total is the sum.
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
            Assert.True(await services.GetRequiredService<RunZepRequests>().MeasureAsync(runId, User,
                () => services.GetRequiredService<UserMigrationService>().MigrateAsync(runId, User, CancellationToken.None)));
        }

        var sent = SentToZep(zep);
        Assert.InRange(sent, 4, 10); // user, thread(s), messages, episodes
        Assert.Equal((sent, sent, 0), await CountsAsync(host.Services, runId));
        Assert.Equal((sent, sent), await ViewCountsAsync(host.Services, runId)); // the ledger views say the same
    }

    /// <summary>Through the consumers (the filter on their endpoints counts each delivery): every request Zep received, once.</summary>
    [Theory]
    [InlineData("sequential")]
    [InlineData("auto")]
    public async Task A_run_through_the_consumers_counts_every_request_zep_received(string writeMode)
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        await using var pipeline = await PipelineHost.StartAsync(zep, new Dictionary<string, string?>
        {
            ["Zep:WriteMode"] = writeMode,
            ["Ledger:Provider"] = "postgres",
            ["ConnectionStrings:Ledger"] = await infrastructure.CreateDatabaseAsync("requests_consumers"),
        });

        var report = await pipeline.MigrateAsync([ExpectedExport.FixturePath("platform-v3-page1.json"), ExpectedExport.FixturePath("platform-history.json")],
            TimeSpan.FromMinutes(2));

        Assert.Equal(Ledger.Entities.RunStatus.Completed, report.Status);
        Assert.True(report.ZepRequests > 0);
        Assert.Equal(SentToZep(zep), report.ZepRequests);
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
            var (client, requests) = (services.GetRequiredService<ZepClient>(), services.GetRequiredService<RunZepRequests>());
            await Assert.ThrowsAsync<InvalidOperationException>(() => requests.MeasureAsync<bool>(runId, User, async () =>
            {
                await client.GetUserAsync("nobody-1", CancellationToken.None);
                await client.GetUserAsync("nobody-2", CancellationToken.None);
                await RecordWithOutcomeAsync(host.Services, runId, commit: false); // rolled back: not recorded
                await RecordWithOutcomeAsync(host.Services, runId, commit: true);  // the two so far
                await client.GetUserAsync("nobody-3", CancellationToken.None);
                throw new InvalidOperationException("the unit of work fails after its transaction");
            }));
        }

        Assert.Equal(3, SentToZep(zep));
        Assert.Equal((3, 3, 0), await CountsAsync(host.Services, runId));
    }

    /// <summary>As a consumer's outcome transaction does: the user's row is saved, then its requests are added to it.</summary>
    private static async Task RecordWithOutcomeAsync(IServiceProvider services, Guid runId, bool commit)
    {
        // Its own delivery scope: the requests are added through this scope's context, inside its transaction.
        await using var scope = services.CreateAsyncScope();
        var (db, requests) = (scope.ServiceProvider.GetRequiredService<LedgerDbContext>(), scope.ServiceProvider.GetRequiredService<RunZepRequests>());
        var user = await UserLedgerQueries.UserAsync(db, runId, User, CancellationToken.None);
        await using var transaction = await db.Database.BeginTransactionAsync();
        user!.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();
        var recorded = await requests.AddInTransactionAsync(runId, User, CancellationToken.None);
        if (!commit) return;
        await transaction.CommitAsync();
        recorded();
    }

    [Fact]
    public async Task An_earlier_attempts_leftovers_are_not_overwritten_by_a_later_attempts_outcome()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        using var host = await ServiceHost.MigrationAsync(await infrastructure.CreateDatabaseAsync("requests_two_attempts"), zep, "sequential");
        var runId = await OneUserStaging.StageAsync(host.Services, User, messages: 0, memories: 1);

        // The later attempt has read the user's row (as a delivery does first) before the earlier one adds its leftovers.
        await using var later = host.Services.CreateAsyncScope();
        var db = later.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var user = await UserLedgerQueries.UserAsync(db, runId, User, CancellationToken.None);
        await using (var earlier = host.Services.CreateAsyncScope()) // sends 4 requests, fails, and adds them as it ends
        {
            var client = earlier.ServiceProvider.GetRequiredService<ZepClient>();
            await Assert.ThrowsAsync<InvalidOperationException>(() => earlier.ServiceProvider.GetRequiredService<RunZepRequests>().MeasureAsync<bool>(runId, User, async () =>
            {
                for (var i = 0; i < 4; i++) await client.GetUserAsync($"nobody-{i}", CancellationToken.None);
                throw new InvalidOperationException("the earlier attempt fails");
            }));
        }

        var requests = later.ServiceProvider.GetRequiredService<RunZepRequests>();
        await requests.MeasureAsync(runId, User, async () =>
        {
            await later.ServiceProvider.GetRequiredService<ZepClient>().GetUserAsync("nobody", CancellationToken.None);
            await using var transaction = await db.Database.BeginTransactionAsync();
            user!.Status = Ledger.Entities.UserStatus.Migrated;
            await db.SaveChangesAsync();
            var recorded = await requests.AddInTransactionAsync(runId, User, CancellationToken.None);
            await transaction.CommitAsync();
            recorded();
            return true;
        });

        Assert.Equal(5, SentToZep(zep));
        Assert.Equal((5, 5, 0), await CountsAsync(host.Services, runId));
    }

    private static long SentToZep(ZepEmulatorHost zep) => zep.Store.GetStats().RequestsByRoute.Values.Sum();

    /// <summary>The report's total, the user's count and the run row's own count (no longer written).</summary>
    private static async Task<(long Report, long User, long RunRow)> CountsAsync(IServiceProvider services, Guid runId)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var report = await new RunReportQuery(db).GetAsync(runId, CancellationToken.None);
        var user = await db.RunUsers.Where(u => u.RunId == runId && u.UserKey == User).Select(u => u.ZepRequests).SingleAsync();
        var runRow = await db.Runs.Where(r => r.Id == runId).Select(r => r.ZepRequests).SingleAsync();
        return (report!.ZepRequests, user, runRow);
    }

    private static async Task<(long Run, long User)> ViewCountsAsync(IServiceProvider services, Guid runId)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>().Database;
        return (await db.SqlQuery<long>($"SELECT zep_requests AS \"Value\" FROM v_migration_runs WHERE run_id = {runId}").SingleAsync(),
            await db.SqlQuery<long>($"SELECT zep_requests AS \"Value\" FROM v_migration_users WHERE run_id = {runId} AND user_key = {User}").SingleAsync());
    }
}
