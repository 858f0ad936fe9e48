using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Chaos;

/// <summary>RabbitMQ or PostgreSQL goes away in the middle of a run and comes back: the run finishes, exactly once.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_the_infrastructure_restarts(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    [Theory]
    [InlineData("sequential")]
    [InlineData("batch")]
    public async Task RabbitMQ_stopped_and_restarted_mid_run_loses_and_duplicates_nothing(string writeMode)
    {
        if (!infrastructure.CanStopStartRabbitMq)
        {
            output.WriteLine($"Not applicable: RabbitMQ is provided in mode {infrastructure.RabbitMqMode}; stopping it needs local processes.");
            return;
        }
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, ChaosScenario.Emulator(writeMode, 30), users: 16,
            workerEnvironment: ChaosScenario.WriteMode(writeMode));
        var runId = await scenario.StartRunAsync();

        await WaitForProgressAsync(scenario, runId);
        await infrastructure.StopRabbitMqAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await infrastructure.StartRabbitMqAsync();

        await scenario.FinishAndCheckAsync(runId, TimeSpan.FromMinutes(4));
    }

    [Theory]
    [InlineData("sequential")]
    [InlineData("batch")]
    public async Task PostgreSQL_stopped_and_restarted_mid_run_loses_and_duplicates_nothing(string writeMode)
    {
        if (!infrastructure.CanStopStartPostgres)
        {
            output.WriteLine($"Not applicable: PostgreSQL is provided in mode {infrastructure.PostgresMode}; stopping it needs local processes.");
            return;
        }
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, ChaosScenario.Emulator(writeMode, 30), users: 16,
            workerEnvironment: ChaosScenario.WriteMode(writeMode));
        var runId = await scenario.StartRunAsync();

        await WaitForProgressAsync(scenario, runId);
        await infrastructure.StopPostgresAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await infrastructure.StartPostgresAsync();

        await scenario.FinishAndCheckAsync(runId, TimeSpan.FromMinutes(4));
    }

    /// <summary>Waits until some users are verified and some are not, so the fault lands mid-run.</summary>
    private async Task WaitForProgressAsync(ChaosScenario scenario, Guid runId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var report = await scenario.Launcher.ReportAsync(runId);
            if (report is { Users.Verified: > 0 } && report.Users.Verified < report.Users.Total)
            {
                output.WriteLine($"fault injected at {report.Users.Verified}/{report.Users.Total} users verified");
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the run made no visible progress to interrupt");
    }
}
