using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Chaos;

/// <summary>The Batch API write path (<c>Zep__WriteMode=batch</c>) under worker kills and writes applied-then-failed.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_batches_meet_chaos(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> BatchMode = new() { ["Zep__WriteMode"] = "batch" };

    [Fact]
    public async Task Killing_workers_mid_batch_resumes_each_batch_from_the_ledger_and_loses_and_duplicates_nothing()
    {
        // Slow batch processing, so kills land while batches are drafts being filled, queued and processing.
        var emulator = new EmulatorOptions { LatencyMs = 40, Batch = { ItemsPerSecond = 120 } };
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, emulator, workerEnvironment: BatchMode);
        var runId = await scenario.StartRunAsync();

        var kills = 0;
        var deadline = DateTime.UtcNow.AddSeconds(75);
        while (kills < 12 && DateTime.UtcNow < deadline && (await scenario.Launcher.ReportAsync(runId))?.IsFinished != true)
        {
            await Task.Delay(scenario.Random.Next(300, 1200));
            var victim = scenario.Workers[scenario.Random.Next(scenario.Workers.Count)];
            victim.Kill();
            kills++;
            await Task.Delay(scenario.Random.Next(50, 300));
            victim.Start();
        }

        await scenario.FinishAndCheckAsync(runId, TimeSpan.FromSeconds(100));
        output.WriteLine($"{kills} kill -9 during the run");
        Assert.True(kills >= 8, $"only {kills} kills happened before the run finished");
        Assert.Contains(scenario.Zep.Store.GetBatches(), b => b.Status == BatchStatuses.Succeeded);
    }

    [Fact]
    public async Task Batch_calls_applied_then_answered_500_are_reconciled_from_the_ledger_and_not_repeated()
    {
        var emulator = new EmulatorOptions { LatencyMs = 5, Faults = { ErrorAfterWriteRate = 0.1, Seed = 17 } };
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, emulator,
            users: 16, memoriesPerUser: 14, messagesPerUser: 30, workerEnvironment: BatchMode);

        await scenario.FinishAndCheckAsync(await scenario.StartRunAsync(), TimeSpan.FromSeconds(100));

        var faults = scenario.Zep.Store.GetStats().Faults;
        output.WriteLine($"faults injected: {string.Join(", ", faults.Select(kv => $"{kv.Key} {kv.Value}"))}");
        Assert.True(faults[EmulatorFaultKinds.ErrorAfterWrite] >= 3, "the fault must actually have happened");
        Assert.DoesNotContain(scenario.Zep.Store.GetBatches(), b => b.Status is BatchStatuses.Partial or BatchStatuses.Failed);
    }
}
