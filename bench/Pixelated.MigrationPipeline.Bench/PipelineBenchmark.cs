using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.SyntheticExports;
using Pixelated.MigrationPipeline.TestInfrastructure;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// Issue 6's benchmark: the distributed pipeline (real RabbitMQ + PostgreSQL, N worker processes) and the embedded pipeline
/// (one process, in-memory bus, SQLite) against the emulator with a given latency and rate limit, and the straightforward
/// sequential migrator against the same settings; each phase gets its own emulator.
/// <c>pipeline --users N --memories-per-user M --messages-per-user K --latency-ms L --rpm R --workers W --mode sequential|batch [--concurrency C] [--raw-rates] [--only embedded|distributed]</c>
/// (C: users migrated at once per process, <c>Pipeline:MigrateConcurrency</c>, default 16; <c>--baseline-users B</c> runs the
/// baseline on the first B users only, default all: its rate per item does not depend on the number of users).
/// </summary>
public static class PipelineBenchmark
{

    public static async Task<int> RunAsync(BenchArguments args)
    {
        var settings = new
        {
            users = args.Int("users", 20),
            memoriesPerUser = args.Int("memories-per-user", 20),
            messagesPerUser = args.Int("messages-per-user", 20),
            latencyMs = args.Int("latency-ms", 30),
            rpm = args.Int("rpm", 0),
            clientRpm = ClientRpm(args.Int("rpm", 0)),
            workers = args.Int("workers", 2),
            mode = args.String("mode") ?? "sequential",
            migrateConcurrency = args.Int("concurrency", 16),
            baselineUsers = args.Int("baseline-users", args.Int("users", 20)),
            rawRates = args.Flag("raw-rates"),
            only = args.String("only"),
            cores = Environment.ProcessorCount,
        };
        var loadBefore = LoadAverage();
        var folder = Directory.CreateTempSubdirectory("pixelated-bench-").FullName;
        try
        {
            var files = await GenerateAsync(folder, settings.users, settings.memoriesPerUser, settings.messagesPerUser);
            EmulatorOptions Emulator() => new() { LatencyMs = settings.latencyMs, RequestsPerMinute = settings.rpm };
            var embeddedOnly = settings.only == "embedded"; // profiling aid: no baseline, no distributed run
            var distributedOnly = settings.only == "distributed"; // profiling aid: no embedded run

            BaselineMigrator.Result? baseline = null;
            if (!embeddedOnly)
            {
                await using var zep = await ZepEmulatorHost.StartAsync(Emulator());
                baseline = await BaselineMigrator.RunAsync(files, zep.ApiBaseUrl, zep.Options.ApiKey, settings.baselineUsers);
                Console.Error.WriteLine($"[bench] baseline: {baseline.Items} items in {baseline.Seconds:0.0} s");
            }
            var baselinePerSecond = baseline is null ? 0 : baseline.Items / baseline.Seconds;

            object? distributed = null;
            object? infrastructure = null;
            var completed = true;
            if (!embeddedOnly || settings.rawRates)
            {
                await using var rabbit = await BenchRabbitMq.StartAsync();
                await using var postgres = await BenchPostgres.StartAsync(args.String("postgres"));
                if (!embeddedOnly)
                {
                    await using var zep = await ZepEmulatorHost.StartAsync(Emulator());
                    var ledger = await postgres.CreateDatabaseAsync("bench_pipeline");
                    var run = await RunDistributedAsync(files, rabbit.Uri, ledger, zep, settings.workers, settings.mode, settings.clientRpm, settings.migrateConcurrency);
                    completed &= run.Report.Status == RunStatus.Completed;
                    distributed = Figures(run.Report, run.Zep, baselinePerSecond, settings.rpm, run.PeakRssMb, run.LedgerRows, run.Latencies, new
                    {
                        stagingSeconds = Math.Round(run.StagingSeconds, 2),
                        ledgerTransactionsPerUser = Math.Round(run.LedgerTransactions / (double)run.Report.Users.Total, 1),
                        workerCpuSeconds = run.WorkerCpuSeconds,
                        machineCpuBusyPercent = run.MachineBusyPercent,
                    });
                    Console.Error.WriteLine($"[bench] distributed: {run.Report.Items.Migrated} items in {run.Zep.Seconds:0.0} s");
                }
                if (settings.rawRates)
                    infrastructure = await InfrastructureRates.MeasureAsync(rabbit.Uri, await postgres.CreateDatabaseAsync("bench_raw"));
            }

            object? embedded = null;
            if (!distributedOnly)
            {
                await using var zep = await ZepEmulatorHost.StartAsync(Emulator());
                var watch = new ZepRequestWatch(zep);
                var run = await EmbeddedPipeline.RunAsync(files, folder, zep, settings.mode, settings.clientRpm, settings.migrateConcurrency);
                var served = watch.Stop();
                completed &= run.Report.Status == RunStatus.Completed;
                embedded = Figures(run.Report, served, baselinePerSecond, settings.rpm, [run.PeakRssMb], run.LedgerRows, run.UserLatencies, new
                {
                    stagingSeconds = Math.Round(run.StagingSeconds, 2),
                    writerGateBusyPercent = run.WriterGateBusyPercent,
                    dbCommandsPerUser = Math.Round(run.DbCommands / (double)run.Report.Users.Total, 1),
                    dbTransactionsPerUser = Math.Round(run.DbTransactions / (double)run.Report.Users.Total, 1),
                    dbCommandsPerUserByStatement = run.DbCommandShapes.ToDictionary(s => s.Key, s => Math.Round(s.Value / (double)run.Report.Users.Total, 1)),
                    process = run.Process,
                });
                Console.Error.WriteLine($"[bench] embedded: {run.Report.Items.Migrated} items in {served.Seconds:0.0} s");
            }

            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "pipeline",
                date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'"),
                load = new { before = loadBefore, after = LoadAverage() },
                settings,
                baseline = baseline is null ? null : new
                {
                    items = baseline.Items,
                    seconds = Math.Round(baseline.Seconds, 2),
                    baselineItemsPerSecond = Math.Round(baselinePerSecond, 1),
                    baselineZepRequestsPerItem = Math.Round((double)baseline.Requests / baseline.Items, 3),
                },
                distributed,
                embedded,
                infrastructure,
            }, new JsonSerializerOptions { WriteIndented = true }));
            return completed ? 0 : 3;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The client's budget a little under the emulator's limit, as README's configuration section advises.</summary>
    private static int ClientRpm(int rpm) => rpm > 0 ? (int)(rpm * 0.97) : 0;

    private static object Figures(RunReport report, ZepRequestWatch.Figures zep, double baselinePerSecond, int rpm,
        long[] peakRssMb, long ledgerRows, IReadOnlyCollection<double> latencies, object diagnostics)
    {
        var items = report.Items.Migrated;
        var itemsPerSecond = items / zep.Seconds;
        var sorted = latencies.Order().ToList();
        return new
        {
            status = StatusNames.ToWire(report.Status),
            users = report.Users.Total,
            items,
            seconds = Math.Round(zep.Seconds, 2),
            itemsPerSecond = Math.Round(itemsPerSecond, 1),
            steadyItemsPerSecond = SteadyItemsPerSecond(items, sorted),
            speedup = baselinePerSecond > 0 ? Math.Round(itemsPerSecond / baselinePerSecond, 2) : (double?)null,
            zepRequestsPerItem = Math.Round((double)report.ZepRequests / items, 3),
            zepRequestsPerUser = Math.Round((double)report.ZepRequests / report.Users.Total, 1),
            zepRequestsServed = zep.Served,
            zepRequestsPerUserByRoute = zep.ByRoute.ToDictionary(r => r.Key, r => Math.Round((double)r.Value / report.Users.Total, 2)),
            zep429s = zep.TooManyRequests,
            zep429sAfterFirstMinute = zep.TooManyRequestsAfterFirstMinute,
            requestsPerMinuteUsed = zep.ServedPerMinute,
            allowedRateUsedPercent = rpm > 0 ? Math.Round(100 * zep.ServedPerMinute / rpm, 1) : (double?)null,
            peakRssMbPerWorker = peakRssMb,
            ledgerRowsPerItem = Math.Round(ledgerRows / (double)items, 2),
            userLatencySeconds = new { p50 = Percentile(sorted, 0.5), p99 = Percentile(sorted, 0.99) },
            diagnostics,
        };
    }

    /// <summary>
    /// The rate once warmed up: the items of the middle half of the users (by the time each settled) over the time that half
    /// took, so neither the start (JIT warm-up, the first dispatch) nor the drain at the end counts. The bench's users all
    /// have about the same number of items. Null for runs too small to tell (under 40 users).
    /// </summary>
    private static double? SteadyItemsPerSecond(long items, List<double> sortedSettleSeconds)
    {
        if (sortedSettleSeconds.Count < 40) return null;
        var window = Percentile(sortedSettleSeconds, 0.75) - Percentile(sortedSettleSeconds, 0.25);
        return window > 0 ? Math.Round(items * 0.5 / window, 1) : null;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    internal static async Task<string[]> GenerateAsync(string folder, int users, int memoriesPerUser, int messagesPerUser)
    {
        var memories = Path.Combine(folder, "memories.json");
        var history = Path.Combine(folder, "history.json");
        await SyntheticExportGenerator.WritePlatformV3Async(memories,
            new SyntheticExportOptions { Seed = 6, Users = users, MemoriesPerUser = memoriesPerUser }, CancellationToken.None);
        if (messagesPerUser == 0) return [memories];
        await SyntheticExportGenerator.WritePlatformHistoryAsync(history,
            new SyntheticExportOptions { Seed = 7, Users = users, MemoriesPerUser = Math.Max(1, messagesPerUser * 2 / 7) }, CancellationToken.None);
        return [memories, history];
    }

    private sealed record Distributed(RunReport Report, ZepRequestWatch.Figures Zep, long[] PeakRssMb, long LedgerRows, double[] Latencies,
        long LedgerTransactions, double[] WorkerCpuSeconds, double MachineBusyPercent, double StagingSeconds);

    private static async Task<Distributed> RunDistributedAsync(string[] files, string rabbitUri, string ledger, ZepEmulatorHost zep, int workerCount, string mode, int clientRpm, int migrateConcurrency)
    {
        await using var launcher = await LauncherHost.StartAsync(rabbitUri, ledger);
        var environment = new Dictionary<string, string?>
        {
            ["Pipeline__Bus"] = "rabbitmq",
            ["ConnectionStrings__RabbitMq"] = rabbitUri,
            ["Ledger__Provider"] = "postgres",
            ["ConnectionStrings__Ledger"] = ledger,
            ["Zep__BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri,
            ["ZEP_API_KEY"] = zep.Options.ApiKey,
            ["Zep__WriteMode"] = mode,
            ["Zep__RequestsPerMinute"] = clientRpm.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Pipeline__MigrateConcurrency"] = migrateConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var workers = Enumerable.Range(0, workerCount).Select(i => new WorkerProcess($"worker-{i}", environment)).ToList();
        foreach (var worker in workers) worker.Start();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(8)); // workers declare their queues before the first publish
            var pids = ChildProcesses.OfThisProcessRunning("Pixelated.MigrationPipeline.Worker.dll");
            var cpuBefore = pids.Select(ChildProcesses.CpuSeconds).ToArray();
            var transactionsBefore = await TransactionsAsync(ledger);
            var machine = MachineCpu.Now();
            var watch = new ZepRequestWatch(zep);
            var runId = await launcher.StartRunAsync(files);
            var report = await launcher.WaitForFinishAsync(runId, TimeSpan.FromMinutes(30), () => string.Join('\n', workers.Select(w => w.Tail)));
            var served = watch.Stop();
            var busy = machine.BusyPercentSince();
            var cpu = pids.Select((pid, i) => Math.Round(ChildProcesses.CpuSeconds(pid) - cpuBefore[i], 1)).ToArray();
            var rss = workers.Select(w => (w.PeakRssBytes() ?? 0) / 1048576).ToArray();
            await Task.Delay(1500); // PostgreSQL publishes a backend's statistics at most once a second
            var transactions = await TransactionsAsync(ledger) - transactionsBefore;
            var (rows, latencies, staging) = await LedgerFiguresAsync(ledger, runId);
            return new Distributed(report, served, rss, rows, latencies.ToArray(), transactions, cpu, busy, staging);
        }
        finally
        {
            foreach (var worker in workers) await worker.DisposeAsync();
        }
    }

    /// <summary>Committed transactions in the ledger's database (every autocommit statement and every SaveChanges is one; includes the launcher's polling).</summary>
    private static async Task<long> TransactionsAsync(string ledger)
    {
        await using var connection = new NpgsqlConnection(ledger);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<(long Rows, List<double> Latencies, double StagingSeconds)> LedgerFiguresAsync(string ledger, Guid runId)
    {
        await using var connection = new NpgsqlConnection(ledger);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM staged_items) + (SELECT count(*) FROM zep_write_units) + (SELECT count(*) FROM run_users) + (SELECT count(*) FROM validation_findings)",
            connection);
        var rows = (long)(await count.ExecuteScalarAsync())!;
        await using var latency = new NpgsqlCommand(
            "SELECT EXTRACT(EPOCH FROM (u.updated_at - r.ingested_at))::float8 FROM run_users u JOIN runs r ON r.id = u.run_id WHERE r.id = @run", connection);
        latency.Parameters.AddWithValue("run", runId);
        var latencies = new List<double>();
        await using var reader = await latency.ExecuteReaderAsync();
        while (await reader.ReadAsync()) latencies.Add(reader.GetDouble(0));
        await reader.DisposeAsync();
        await using var staging = new NpgsqlCommand("SELECT EXTRACT(EPOCH FROM (ingested_at - created_at))::float8 FROM runs WHERE id = @run", connection);
        staging.Parameters.AddWithValue("run", runId);
        return (rows, latencies, (double)(await staging.ExecuteScalarAsync())!);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)], 2);
}
