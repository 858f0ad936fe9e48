using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Chaos;

[Collection(InfrastructureCollection.Name)]
public sealed class When_workers_are_killed_and_restarted(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    // Users: enough for the run to outlast ten kills (one every ~1.2 s): the sequential mode got fast enough to finish
    // 24 users in ~7 s, kills included.
    [Theory]
    [InlineData("sequential", 72)]
    [InlineData("batch", 24)]
    public async Task Killing_workers_at_random_moments_loses_and_duplicates_nothing(string writeMode, int users)
    {
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, ChaosScenario.Emulator(writeMode, 40),
            users: users, workerEnvironment: ChaosScenario.WriteMode(writeMode));
        var runId = await scenario.StartRunAsync();

        var kills = 0;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (kills < 12 && DateTime.UtcNow < deadline && (await scenario.Launcher.ReportAsync(runId))?.IsFinished != true)
        {
            await Task.Delay(scenario.Random.Next(400, 1500));
            var victim = scenario.Workers[scenario.Random.Next(scenario.Workers.Count)];
            victim.Kill();
            kills++;
            await Task.Delay(scenario.Random.Next(50, 400));
            victim.Start();
        }

        var report = await scenario.FinishAndCheckAsync(runId, TimeSpan.FromMinutes(4));
        output.WriteLine($"{kills} kill -9 during the run");
        Assert.True(kills >= 10, $"only {kills} kills happened before the run finished; the scenario is too small to mean much");
    }

    [Theory]
    [InlineData("sequential")]
    [InlineData("batch")]
    public async Task Killing_the_whole_pipeline_then_restarting_it_resumes_the_run(string writeMode)
    {
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, ChaosScenario.Emulator(writeMode, 40),
            workerEnvironment: ChaosScenario.WriteMode(writeMode));
        var runId = await scenario.StartRunAsync();

        // Killed once a few users are verified, not after a fixed time: a faster pipeline finished this run in ~7 s, and a
        // run killed after it finished would prove nothing.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await scenario.Launcher.ReportAsync(runId))?.Users.Verified < 3 && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        foreach (var worker in scenario.Workers) worker.Kill();
        var midway = await scenario.Launcher.ReportAsync(runId);
        output.WriteLine($"killed everything at {midway?.Status}: users {midway?.Users}, items {midway?.Items}");
        Assert.False(midway?.IsFinished, "the run finished before the workers were killed");
        await Task.Delay(TimeSpan.FromSeconds(2));
        foreach (var worker in scenario.Workers) worker.Start();

        await scenario.FinishAndCheckAsync(runId, TimeSpan.FromMinutes(4));
    }

    [Theory]
    [InlineData("sequential")]
    [InlineData("batch")]
    public async Task Stopping_every_worker_gracefully_mid_run_leaves_the_work_queued_not_faulted(string writeMode)
    {
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, ChaosScenario.Emulator(writeMode, 40),
            workerEnvironment: ChaosScenario.WriteMode(writeMode));
        var runId = await scenario.StartRunAsync();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((await scenario.Launcher.ReportAsync(runId)) is not { Users.Verified: > 0 } && DateTime.UtcNow < deadline) await Task.Delay(100);

        await Task.WhenAll(scenario.Workers.Select(w => w.StopGracefullyAsync(TimeSpan.FromSeconds(60))));
        var midway = await scenario.Launcher.ReportAsync(runId);
        var faulted = await ChaosScenario.FaultedMessagesAsync(infrastructure.RabbitMqUri);
        output.WriteLine($"stopped at users {midway?.Users}; faulted messages {faulted}: {await ChaosScenario.DescribeFaultsAsync(infrastructure.RabbitMqUri)}");

        Assert.False(midway!.IsFinished, "the run should still have had work when the workers stopped");
        Assert.Equal(0u, faulted);
        await scenario.FinishAndCheckAsync(runId, TimeSpan.FromMinutes(4));
        Assert.Equal(0u, await ChaosScenario.FaultedMessagesAsync(infrastructure.RabbitMqUri));
    }

    [Theory]
    [InlineData("sequential")]
    [InlineData("batch")]
    public async Task The_same_MigrateUser_delivered_twice_with_different_message_ids_writes_once(string writeMode)
    {
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, ChaosScenario.Emulator(writeMode, 20), users: 8,
            workerEnvironment: ChaosScenario.WriteMode(writeMode));
        var runId = await scenario.StartRunAsync();

        // Once the users are queued, send every user's MigrateUser again (a new message each, as a broker redelivery
        // after a lost ack or a duplicate publish would).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var report = await scenario.Launcher.ReportAsync(runId);
        while (report?.UserLines.Count is null or 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            report = await scenario.Launcher.ReportAsync(runId);
        }
        foreach (var user in report!.UserLines) await scenario.Launcher.PublishAsync(new MigrateUser(runId, user.User));

        await scenario.FinishAndCheckAsync(runId, TimeSpan.FromMinutes(3));
    }
}
