using Microsoft.Extensions.Hosting;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Chaos;

/// <summary>
/// Users of ≤ 350 items share Batch API batches (<see cref="SharedBatchPool"/>). A worker that stops while its shared batch
/// is still processing (its delivery cancelled, as the bus does at the end of a graceful stop) leaves the batch's units
/// <c>Sent</c> with the batch's id; the next attempt must wait for that batch to finish before it reads Zep back, or it
/// would resend what the batch is about to write.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_a_worker_stops_while_its_shared_batch_processes(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    private const string User = "patient-shared";

    [Fact]
    public async Task The_next_attempt_waits_for_the_batch_and_writes_nothing_twice()
    {
        // 40 items per second: the user's 70 items take ~2 s to process, long after the first worker has stopped.
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { Batch = { ItemsPerSecond = 40 } });
        var ledger = await infrastructure.CreateDatabaseAsync("shared_batch_stop");
        var first = await ServiceHost.MigrationAsync(ledger, zep, "batch");
        var runId = await OneUserStaging.StageAsync(first.Services, User, messages: 50, memories: 20);

        using var delivery = new CancellationTokenSource();
        var attempt = Task.Run(() => first.Services.MigrateUserAsync(runId, User, delivery.Token));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!zep.Store.GetBatches().Any(b => b.Status is BatchStatuses.Queued or BatchStatuses.Processing) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        await delivery.CancelAsync(); // its only user's delivery is cancelled: the pool stops polling, the batch still processing
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => attempt);
        await first.StopAsync();
        first.Dispose();
        var processing = Assert.Single(zep.Store.GetBatches());
        Assert.NotEqual(BatchStatuses.Succeeded, processing.Status);

        using var second = await ServiceHost.MigrationAsync(ledger, zep, "batch");
        Assert.True(await second.Services.MigrateUserAsync(runId, User));

        var stats = zep.Store.GetStats();
        output.WriteLine($"emulator {string.Join(' ', stats.RequestsByRoute.Select(kv => $"{kv.Key}:{kv.Value}"))}");
        Assert.Equal((1, 2, 50, 20), (stats.Users, stats.Threads, stats.Messages, stats.Episodes)); // nothing twice, nothing lost
        Assert.Equal(BatchStatuses.Succeeded, Assert.Single(zep.Store.GetBatches()).Status); // and no second batch
    }
}
