using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.TestInfrastructure;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Chaos;

/// <summary>
/// Run leases: a run whose host died shows as <c>interrupted</c> once its lease expires, and is resumed by itself — by the
/// restarted one-process host (in-memory bus, SQLite), or in the distributed setup by a live worker.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_a_runs_host_dies(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    [Fact]
    public async Task A_one_process_host_killed_mid_run_resumes_it_on_restart_and_ends_as_an_uninterrupted_run_would()
    {
        using var folder = new SqliteFolder("lease-kill");
        var root = Path.GetDirectoryName(folder.File("x"))!;
        var drop = Path.Combine(root, "drop");
        await using var zep = await ZepEmulatorHost.StartAsync(ChaosScenario.Emulator("sequential", 40));
        var file = SyntheticClinicExport.Write(Directory.CreateDirectory(Path.Combine(root, "export")).FullName, 24, 18, 0)[0];
        var expected = ExpectedExport.LoadFiles(file);
        var ledger = $"Data Source={folder.File("ledger.db")}";
        // The worker host with the drop folder on the in-memory bus: the one-process setup, as the API's embedded default.
        await using var host = new WorkerProcess("one-process", new Dictionary<string, string?>
        {
            ["Pipeline__Bus"] = "inmemory",
            ["Pipeline__DropFolder"] = drop,
            ["Ledger__Provider"] = "sqlite",
            ["ConnectionStrings__Ledger"] = ledger,
            ["Zep__BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri,
            ["ZEP_API_KEY"] = zep.Options.ApiKey,
            ["Zep__WriteMode"] = "sequential",
            ["Pipeline__MigrateConcurrency"] = "3",
            ["Pipeline__RunLeaseSeconds"] = "2",
        });
        host.Start();
        await using var reader = Reader(ledger);
        await WaitAsync(() => Task.FromResult(Directory.Exists(Path.Combine(drop, "processing"))), TimeSpan.FromSeconds(60), host);
        File.Copy(file, Path.Combine(drop, "clinic.json"));

        Guid runId = default;
        await WaitAsync(async () => (runId = await reader.RunIdAsync()) != default && (await reader.ReportAsync(runId))?.Users.Verified >= 3,
            TimeSpan.FromMinutes(2), host);
        host.Kill();
        var midway = (await reader.ReportAsync(runId))!;
        output.WriteLine($"killed at {midway.Status}: users {midway.Users}, items {midway.Items}");
        Assert.False(midway.IsFinished, "the run finished before the host was killed");

        // Nothing hosts it now: once its lease expires it is interrupted, not migrating.
        await WaitAsync(async () => (await reader.ReportAsync(runId))!.Status == RunStatus.Interrupted, TimeSpan.FromSeconds(10), host);
        Assert.Equal(RunStatus.Migrating, await reader.StoredStatusAsync(runId));

        host.Start(); // same ledger, same Zep: it resumes the run by itself (Pipeline:ResumeOnStart defaults to true)
        await WaitAsync(async () => (await reader.ReportAsync(runId))!.IsFinished, TimeSpan.FromMinutes(3), host);
        var report = (await reader.ReportAsync(runId))!;
        var check = MigrationChecker.Check(zep.Store, expected);
        output.WriteLine($"run {report.Status}: users {report.Users}, items {report.Items}; checker: {check}");
        Assert.True(check.Lost.Count == 0 && check.Duplicated.Count == 0 && check.Unexpected.Count == 0, check.ToString());
        Assert.Equal(RunStatus.Completed, report.Status);
        Assert.Equal(expected.Users.Count(), report.Users.Total);
        Assert.Equal(report.Users.Total, report.Users.Verified);
        Assert.Equal(expected.Memories.Count, report.Items.Migrated);
        Assert.Equal(0, report.Items.Failed);
        Assert.Equal(0, report.Items.Pending);
        Assert.Empty(report.Findings);
    }

    [Fact]
    public async Task In_the_distributed_setup_a_live_worker_takes_over_a_run_whose_launcher_died_once_its_lease_expires()
    {
        // RabbitMQ already hands a dead worker's unacknowledged messages to a live one; what it cannot redeliver is a message
        // never sent: here the launcher recorded the run and died before publishing its IngestExport.
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, ChaosScenario.Emulator("sequential", 10), workers: 1,
            users: 6, memoriesPerUser: 4, messagesPerUser: 6,
            workerEnvironment: new Dictionary<string, string?> { ["Pipeline__RunLeaseSeconds"] = "2" });
        var runId = await scenario.Launcher.RecordRunWithoutPublishingAsync(scenario.Files, leaseSeconds: 2);
        // created, or already interrupted (its 2 s lease passed), until a worker's next lease check takes it over
        output.WriteLine($"recorded, never published: {(await scenario.Launcher.ReportAsync(runId))!.Status}");

        await scenario.FinishAndCheckAsync(runId, TimeSpan.FromMinutes(2));
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, WorkerProcess host)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"condition not met within {timeout}\n{host.Tail}");
            await Task.Delay(100);
        }
    }

    private static LedgerReader Reader(string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:Provider"] = "sqlite",
            ["ConnectionStrings:Ledger"] = connectionString,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddLedger(configuration);
        services.AddScoped<RunReportQuery>();
        return new LedgerReader(services.BuildServiceProvider());
    }

    /// <summary>Reads the host's ledger from the test, as a dashboard would.</summary>
    private sealed class LedgerReader(ServiceProvider services) : IAsyncDisposable
    {
        /// <summary>The ledger's one run, once the host recorded it.</summary>
        public async Task<Guid> RunIdAsync()
        {
            await using var scope = services.CreateAsyncScope();
            try { return await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().Runs.Select(r => r.Id).SingleOrDefaultAsync(); }
            catch (Microsoft.Data.Sqlite.SqliteException) { return default; } // not migrated yet
        }

        public async Task<RunReport?> ReportAsync(Guid runId)
        {
            await using var scope = services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<RunReportQuery>().GetAsync(runId, CancellationToken.None);
        }

        public async Task<RunStatus?> StoredStatusAsync(Guid runId)
        {
            await using var scope = services.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().Runs.FindAsync(runId))?.Status;
        }

        public ValueTask DisposeAsync() => services.DisposeAsync();
    }
}
