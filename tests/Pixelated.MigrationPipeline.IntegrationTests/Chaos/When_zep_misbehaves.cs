using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Chaos;

/// <summary>Zep applies a write and then fails, never answers, or refuses with 429: every item still lands exactly once.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_zep_misbehaves(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    [Theory]
    [InlineData("sequential", 12, 5)]
    [InlineData("batch", 24, 3)]
    public async Task Writes_applied_then_answered_500_are_found_by_read_back_and_not_sent_twice(string writeMode, int users, int minimumFaults)
    {
        var emulator = new EmulatorOptions { LatencyMs = 5, Faults = { ErrorAfterWriteRate = 0.1, ErrorBeforeWriteRate = 0.05, Seed = 7 } };
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, emulator, users: users, memoriesPerUser: 14, messagesPerUser: 30,
            workerEnvironment: ChaosScenario.WriteMode(writeMode));

        await scenario.FinishAndCheckAsync(await scenario.StartRunAsync(), TimeSpan.FromMinutes(4));

        var faults = scenario.Zep.Store.GetStats().Faults;
        output.WriteLine($"faults injected: {string.Join(", ", faults.Select(kv => $"{kv.Key} {kv.Value}"))}");
        Assert.True(faults[EmulatorFaultKinds.ErrorAfterWrite] >= minimumFaults, "the fault must actually have happened");
    }

    /// <summary>
    /// Every write call (create user / thread, add-messages, graph-batch of ≤ 20 episodes, batch create / add / process) can
    /// time out after being applied. Both modes make only a few writes per user, so enough users are needed for the fault to hit often.
    /// </summary>
    [Theory]
    [InlineData("sequential", 24, 5)]
    [InlineData("batch", 24, 3)]
    public async Task Writes_applied_then_never_answered_are_found_by_read_back_and_not_sent_twice(string writeMode, int users, int minimumFaults)
    {
        var emulator = new EmulatorOptions { LatencyMs = 5, Faults = { TimeoutAfterWriteRate = 0.1, Seed = 11 } };
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, emulator,
            users: users, memoriesPerUser: 12, messagesPerUser: 20, requestTimeoutSeconds: 2, migrateConcurrency: 6,
            workerEnvironment: ChaosScenario.WriteMode(writeMode));

        await scenario.FinishAndCheckAsync(await scenario.StartRunAsync(), TimeSpan.FromMinutes(2));

        var faults = scenario.Zep.Store.GetStats().Faults[EmulatorFaultKinds.TimeoutAfterWrite];
        output.WriteLine($"[{writeMode}] {faults} writes applied then never answered");
        Assert.True(faults >= minimumFaults, "the fault must actually have happened");
    }

    [Theory]
    [InlineData("sequential", 12, 10)]
    [InlineData("batch", 16, 5)]
    public async Task A_storm_of_429s_slows_the_run_down_but_it_completes_exactly_once(string writeMode, int users, int minimumFaults)
    {
        var emulator = new EmulatorOptions { LatencyMs = 5, Faults = { TooManyRequestsRate = 0.3, TooManyRequestsRetryAfterSeconds = 1, Seed = 3 } };
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, emulator, users: users, memoriesPerUser: 10, messagesPerUser: 20,
            workerEnvironment: ChaosScenario.WriteMode(writeMode));

        await scenario.FinishAndCheckAsync(await scenario.StartRunAsync(), TimeSpan.FromMinutes(5));

        Assert.True(scenario.Zep.Store.GetStats().Faults[EmulatorFaultKinds.TooManyRequests] >= minimumFaults, "the storm must actually have happened");
    }
}
