using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Chaos;

/// <summary>Zep applies a write and then fails, never answers, or refuses with 429: every item still lands exactly once.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_zep_misbehaves(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    [Fact]
    public async Task Writes_applied_then_answered_500_are_found_by_read_back_and_not_sent_twice()
    {
        var emulator = new EmulatorOptions { LatencyMs = 5, Faults = { ErrorAfterWriteRate = 0.1, ErrorBeforeWriteRate = 0.05, Seed = 7 } };
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, emulator, users: 12, memoriesPerUser: 14, messagesPerUser: 30);

        await scenario.FinishAndCheckAsync(await scenario.StartRunAsync(), TimeSpan.FromMinutes(4));

        var faults = scenario.Zep.Store.GetStats().Faults;
        output.WriteLine($"faults injected: {string.Join(", ", faults.Select(kv => $"{kv.Key} {kv.Value}"))}");
        Assert.True(faults[EmulatorFaultKinds.ErrorAfterWrite] > 5, "the fault must actually have happened");
    }

    [Fact]
    public async Task Writes_applied_then_never_answered_are_found_by_read_back_and_not_sent_twice()
    {
        var emulator = new EmulatorOptions { LatencyMs = 5, Faults = { TimeoutAfterWriteRate = 0.1, Seed = 11 } };
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, emulator,
            users: 10, memoriesPerUser: 12, messagesPerUser: 20, requestTimeoutSeconds: 2, migrateConcurrency: 6);

        await scenario.FinishAndCheckAsync(await scenario.StartRunAsync(), TimeSpan.FromMinutes(5));

        Assert.True(scenario.Zep.Store.GetStats().Faults[EmulatorFaultKinds.TimeoutAfterWrite] > 5, "the fault must actually have happened");
    }

    [Fact]
    public async Task A_storm_of_429s_slows_the_run_down_but_it_completes_exactly_once()
    {
        var emulator = new EmulatorOptions { LatencyMs = 5, Faults = { TooManyRequestsRate = 0.3, TooManyRequestsRetryAfterSeconds = 1, Seed = 3 } };
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, emulator, users: 8, memoriesPerUser: 10, messagesPerUser: 20);

        await scenario.FinishAndCheckAsync(await scenario.StartRunAsync(), TimeSpan.FromMinutes(5));

        Assert.True(scenario.Zep.Store.GetStats().Faults[EmulatorFaultKinds.TooManyRequests] > 10, "the storm must actually have happened");
    }
}
