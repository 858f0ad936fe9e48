using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Components.Consumers;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Chaos;

/// <summary>
/// The writer saves a unit's confirmation with the ledger's next save, not on its own. Here an attempt dies partway through
/// a user's episodes (Zep applies a write and answers 500, which ends the attempt like a killed worker would): Zep then holds
/// writes whose confirmations never reached the ledger. The next attempt must find them by reading Zep back and send only
/// what is missing, so every message and episode is in Zep exactly once.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_a_worker_dies_before_its_confirmations_are_saved(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    private const string User = "patient-fold";
    private const int Messages = 90;
    private const int Memories = 60;

    [Fact]
    public async Task The_next_attempt_reads_zep_back_and_writes_each_item_once()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { LatencyMs = 20 });
        var ledger = await infrastructure.CreateDatabaseAsync("fold_confirm_worker_dies");
        using var host = await ServiceHost.MigrationAsync(ledger, zep, "sequential");
        var runId = await OneUserStaging.StageAsync(host.Services, User, Messages, Memories);

        // Attempt 1: once a few episodes are in Zep, every further write is applied and answered 500 (outcome unknown).
        // The watcher has the time of ~55 more episode calls (20 ms each, one at a time: over a second) to switch it on.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var watcher = Task.Run(async () =>
        {
            while (zep.Store.GetStats().Episodes < 5) await Task.Delay(1, stop.Token);
            zep.SetFaults(new EmulatorFaultOptions { ErrorAfterWriteRate = 1.0, Seed = 7 });
        }, stop.Token);
        var died = await Assert.ThrowsAnyAsync<Exception>(() => host.Services.MigrateUserAsync(runId, User));
        Assert.True(TransientFailure.Is(died), $"attempt 1 ended with {died.GetType().Name}, not an outage");
        await watcher;

        var inZep = zep.Store.GetEpisodes(User).Count;
        var confirmed = await CountConfirmedAsync(host.Services);
        output.WriteLine($"after attempt 1: {inZep} episodes and {zep.Store.GetStats().Messages} messages in Zep; " +
                         $"{confirmed} message/episode units confirmed in the ledger");
        Assert.True(inZep >= 5, $"only {inZep} episodes were written before the fault");
        Assert.True(confirmed < inZep, "every write Zep holds was already confirmed: the attempt did not die between a write and its confirmation's save");

        // Attempt 2, Zep healthy again.
        zep.SetFaults(new EmulatorFaultOptions());
        Assert.True(await host.Services.MigrateUserAsync(runId, User));

        var stats = zep.Store.GetStats();
        Assert.Equal((1, 2, Messages, Memories), (stats.Users, stats.Threads, stats.Messages, stats.Episodes));
        var episodeContents = zep.Store.GetEpisodes(User).Select(e => e.Content).ToList();
        Assert.Equal(Memories, episodeContents.Distinct().Count());
        var messageContents = zep.Store.GetThreadIds(User).SelectMany(zep.Store.GetMessages).Select(m => m.Content).ToList();
        Assert.Equal(Messages, messageContents.Distinct().Count());

        await using var check = host.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var units = await db.WriteUnits.Where(u => u.UserKey == User).ToListAsync();
        Assert.All(units, u => Assert.Equal(WriteState.Confirmed, u.State));
        Assert.Equal(Messages + Memories, await db.StagedItems.CountAsync(i => i.RunId == runId && i.Status == ItemStatus.Migrated));
    }

    private static async Task<int> CountConfirmedAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        return await db.WriteUnits.CountAsync(u => u.UserKey == User && u.State == WriteState.Confirmed
                                                   && (u.Kind == WriteUnitKind.Episode || u.Kind == WriteUnitKind.Messages));
    }
}
