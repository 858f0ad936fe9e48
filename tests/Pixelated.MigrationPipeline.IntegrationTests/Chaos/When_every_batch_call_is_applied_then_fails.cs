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
/// Deterministic worst case for the batch protocol: Zep applies every write and then answers 500, so each step (create
/// user, threads, batch, each add-items call, process) has an unknown outcome and is resumed by the next delivery from
/// the ledger. The user ends with one batch, every item in it once, and every item in Zep once.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_every_batch_call_is_applied_then_fails(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    private const string User = "patient-batch";

    [Fact]
    public async Task Each_redelivery_resumes_from_the_ledger_and_one_batch_holds_every_item_once()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        var ledger = await infrastructure.CreateDatabaseAsync("batch_every_call_fails");
        using var host = await ServiceHost.MigrationAsync(ledger, zep, "batch");
        var runId = await OneUserStaging.StageAsync(host.Services, User, messages: 420, memories: 25);
        zep.SetFaults(new EmulatorFaultOptions { ErrorAfterWriteRate = 1.0, Seed = 5 });

        var attempts = 0;
        var done = false;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!done && DateTime.UtcNow < deadline)
        {
            attempts++;
            try
            {
                done = await host.Services.MigrateUserAsync(runId, User);
            }
            catch (Exception e) when (TransientFailure.Is(e))
            {
                if (e is Polly.CircuitBreaker.BrokenCircuitException) await Task.Delay(1100); // as the bus's retry would wait
            }
        }

        var stats = zep.Store.GetStats();
        output.WriteLine($"{attempts} deliveries; faults {stats.Faults[EmulatorFaultKinds.ErrorAfterWrite]}; emulator " +
                         $"{string.Join(' ', stats.Requests.Select(kv => $"{kv.Key}:{kv.Value}"))}; batches {stats.Batches}");
        Assert.True(done, "the user did not finish migrating");
        Assert.True(attempts >= 8, $"only {attempts} deliveries: the faults did not bite");
        var batch = Assert.Single(zep.Store.GetBatches()); // the lost create answer did not leave a second batch
        Assert.Equal(BatchStatuses.Succeeded, batch.Status);
        Assert.Equal(445, batch.ItemCount); // no add-items call landed twice
        Assert.Equal((1, 2, 420, 25), (stats.Users, stats.Threads, stats.Messages, stats.Episodes));
        var contents = zep.Store.GetThreadIds(User).SelectMany(zep.Store.GetMessages).Select(m => m.Content).ToList();
        Assert.Equal(contents.Count, contents.Distinct().Count());

        await using var check = host.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var units = await db.WriteUnits.Where(u => u.UserKey == User).ToListAsync();
        Assert.All(units.Where(u => u.Kind is WriteUnitKind.Messages or WriteUnitKind.Episode), u => Assert.Equal(WriteState.Confirmed, u.State));
        Assert.Equal(2, units.Count(u => u.Kind == WriteUnitKind.BatchItems)); // 445 items = 350 + 95
        Assert.All(units.Where(u => u.Kind is WriteUnitKind.BatchItems or WriteUnitKind.BatchProcess or WriteUnitKind.Batch),
            u => Assert.Equal(WriteState.Confirmed, u.State));
    }

}
