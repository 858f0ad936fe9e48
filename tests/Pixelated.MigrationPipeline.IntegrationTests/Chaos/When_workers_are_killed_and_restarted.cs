using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.Ledger.Entities;
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

    /// <summary>
    /// A rolling update's stop: SIGTERM to a worker whose users cannot finish within MassTransit's stop timeout (30 s: every Zep
    /// call takes 6 s here), as the deployments configure it (<c>shutdownTimeoutSeconds=45</c>, Kubernetes' grace period 60 s).
    /// The bus stops taking messages, waits its 30 s, then cancels the deliveries in flight: their users go back to
    /// <c>migrate-user</c> (not to <c>_error</c>), the process exits before its host's shutdown timeout, and the worker that
    /// replaces it finishes those users, writing nothing twice.
    /// </summary>
    [Fact]
    public async Task A_worker_stopped_with_users_in_flight_exits_within_its_grace_period_and_hands_them_to_another_worker()
    {
        const int HostShutdownSeconds = 45; // shutdownTimeoutSeconds in deploy/k8s/base/settings.yaml and docker-compose.yml
        const int GracePeriodSeconds = 60; // terminationGracePeriodSeconds in deploy/k8s/base/worker.yaml
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, new EmulatorOptions { LatencyMs = 6000 },
            users: 2, requestTimeoutSeconds: 20, workerEnvironment: new Dictionary<string, string?>
            {
                ["Zep__WriteMode"] = "sequential",
                ["shutdownTimeoutSeconds"] = HostShutdownSeconds.ToString(),
            });
        var (stopping, replacement) = (scenario.Workers[0], scenario.Workers[1]);
        await replacement.StopGracefullyAsync(TimeSpan.FromSeconds(GracePeriodSeconds)); // idle: the run's users all go to the first worker
        var runId = await scenario.StartRunAsync();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var before = await scenario.Launcher.ReportAsync(runId);
        while (before is not { UserLines.Count: > 0 } || before.UserLines.Any(u => u.Status != UserStatus.Migrating))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the users never were all migrating at once\n{scenario.Diagnostics()}");
            await Task.Delay(100);
            before = await scenario.Launcher.ReportAsync(runId);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var stop = stopping.StopGracefullyAsync(TimeSpan.FromSeconds(GracePeriodSeconds));
        replacement.Start(); // the rolling update's new pod
        await stop;
        var stoppedAfter = clock.Elapsed;
        var after = (await scenario.Launcher.ReportAsync(runId))!;
        var handedBack = after.UserLines.Where(u => u.Status is not (UserStatus.Migrated or UserStatus.Verified)).Select(u => u.User).ToList();
        var faulted = await ChaosScenario.FaultedMessagesAsync(infrastructure.RabbitMqUri);
        output.WriteLine($"SIGTERM with {before.UserLines.Count} users migrating; {stopping.Name} exited with code {stopping.ExitCode} after " +
                         $"{stoppedAfter.TotalSeconds:F1} s; users not finished by it (handed back): {handedBack.Count} " +
                         $"({string.Join(", ", after.UserLines.Select(u => $"{u.User} {u.Status}"))}); faulted messages {faulted}");

        Assert.True(stoppedAfter < TimeSpan.FromSeconds(HostShutdownSeconds), $"the worker took {stoppedAfter.TotalSeconds:F1} s to stop\n{stopping.Tail}");
        Assert.Equal(0, stopping.ExitCode);
        Assert.NotEmpty(handedBack); // a user's migration outlasts the 30 s stop timeout: cancelled and handed back, not finished
        Assert.Equal(0u, faulted);

        // The rest of the run is the replacement's alone (the stopped worker is not started again).
        scenario.Workers.Remove(stopping);
        await using (stopping)
        {
            await scenario.FinishAndCheckAsync(runId, TimeSpan.FromMinutes(3));
        }
        Assert.Equal(2, replacement.Starts); // once before the run, once as the replacement
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
