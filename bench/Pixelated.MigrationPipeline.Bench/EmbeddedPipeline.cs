using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pixelated.MigrationPipeline.Components.Hosting;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// The embedded mode in this process: in-memory bus and a SQLite ledger (as the CLI runs it without RabbitMQ), the same
/// consumers and Zep client settings as the distributed workers, against its own emulator with the same settings.
/// </summary>
public static class EmbeddedPipeline
{
    public sealed record Result(RunReport Report, double Seconds, long PeakRssMb, long LedgerRows, long DbCommands, long DbTransactions, IReadOnlyList<KeyValuePair<string, long>> DbCommandShapes,
        double[] UserLatencies, object Process, double StagingSeconds, double WriterGateBusyPercent);

    public static async Task<Result> RunAsync(string[] files, string folder, ZepEmulatorHost zep, string mode, int clientRpm, int concurrency)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:Bus"] = "inmemory",
            ["Ledger:Provider"] = "sqlite",
            ["ConnectionStrings:Ledger"] = $"Data Source={Path.Combine(folder, "embedded-ledger.db")}",
            ["Zep:BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri,
            ["ZEP_API_KEY"] = zep.Options.ApiKey,
            ["Zep:WriteMode"] = mode,
            ["Zep:RequestsPerMinute"] = clientRpm.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Pipeline:MigrateConcurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddMigrationPipeline(builder.Configuration);
        var commands = new DbCommandCounter();
        builder.Services.ConfigureDbContext<SqliteLedgerDbContext>(o => o.AddInterceptors(commands));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            Measurement.ResetPeakRss();
            var counters = new ProcessCounters();
            commands.Reset();
            var gate = host.Services.GetRequiredService<SqliteWriteGate>();
            var gateHeldBefore = gate.HeldTime;
            var watch = Stopwatch.StartNew();
            Guid runId;
            await using (var scope = host.Services.CreateAsyncScope())
                runId = await scope.ServiceProvider.GetRequiredService<RunLauncher>().StartAsync(files, dryRun: false, CancellationToken.None);
            var report = await WaitForFinishAsync(host.Services, runId, TimeSpan.FromMinutes(30));
            var seconds = watch.Elapsed.TotalSeconds;
            var gateBusy = Math.Round(100 * (gate.HeldTime - gateHeldBefore).TotalSeconds / seconds, 1);
            var process = counters.Stop();
            var dbCommands = commands.Commands;
            var dbTransactions = commands.Transactions;
            var shapes = commands.TopShapes(10);
            var peak = Measurement.PeakRssBytes() / 1048576;
            await using var figures = host.Services.CreateAsyncScope();
            var db = figures.ServiceProvider.GetRequiredService<LedgerDbContext>();
            var rows = await db.StagedItems.LongCountAsync() + await db.WriteUnits.LongCountAsync() + await db.RunUsers.LongCountAsync() + await db.Findings.LongCountAsync();
            var run = await db.Runs.AsNoTracking().SingleAsync(r => r.Id == runId);
            var ingestedAt = run.IngestedAt!.Value;
            var latencies = (await db.RunUsers.AsNoTracking().Where(u => u.RunId == runId).Select(u => u.UpdatedAt).ToListAsync())
                .Select(t => (t - ingestedAt).TotalSeconds).ToArray();
            return new Result(report, seconds, peak, rows, dbCommands, dbTransactions, shapes, latencies, process, (ingestedAt - run.CreatedAt).TotalSeconds, gateBusy);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<RunReport> WaitForFinishAsync(IServiceProvider services, Guid runId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await using (var scope = services.CreateAsyncScope())
            {
                var finished = await scope.ServiceProvider.GetRequiredService<RunReportQuery>().IsFinishedAsync(runId, CancellationToken.None);
                if (Environment.GetEnvironmentVariable("BENCH_TIMELINE") == "1")
                {
                    var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
                    var byStatus = await db.RunUsers.Where(u => u.RunId == runId).GroupBy(u => u.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
                    Console.Error.WriteLine($"[timeline] {DateTime.UtcNow:HH:mm:ss.f} {string.Join(' ', byStatus.Select(x => $"{x.Key}:{x.Count}"))}");
                }
                if (finished == true) return (await scope.ServiceProvider.GetRequiredService<RunReportQuery>().GetAsync(runId, CancellationToken.None))!;
                if (DateTime.UtcNow > deadline)
                {
                    var last = await scope.ServiceProvider.GetRequiredService<RunReportQuery>().ProgressAsync(runId, CancellationToken.None);
                    throw new TimeoutException($"embedded run {runId} did not finish within {timeout}: {last?.Status}, {last?.Progress}");
                }
            }
            await Task.Delay(250);
        }
    }
}
