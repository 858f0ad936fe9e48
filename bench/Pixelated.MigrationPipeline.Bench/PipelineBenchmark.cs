using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.SyntheticExports;
using Pixelated.MigrationPipeline.TestInfrastructure;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// Issue 6's benchmark: the distributed pipeline (real RabbitMQ + PostgreSQL, N worker processes) against the emulator
/// with a given latency and rate limit, and the straightforward sequential migrator against the same settings.
/// <c>pipeline --users N --memories-per-user M --messages-per-user K --latency-ms L --rpm R --workers W --mode sequential|batch</c>
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
            workers = args.Int("workers", 2),
            mode = args.String("mode") ?? "sequential",
            cores = Environment.ProcessorCount,
        };
        var folder = Directory.CreateTempSubdirectory("pixelated-bench-").FullName;
        try
        {
            var files = await GenerateAsync(folder, settings.users, settings.memoriesPerUser, settings.messagesPerUser);
            EmulatorOptions Emulator() => new() { LatencyMs = settings.latencyMs, RequestsPerMinute = settings.rpm };

            BaselineMigrator.Result baseline;
            await using (var zep = await ZepEmulatorHost.StartAsync(Emulator()))
                baseline = await BaselineMigrator.RunAsync(files, zep.ApiBaseUrl, zep.Options.ApiKey);
            Console.Error.WriteLine($"[bench] baseline: {baseline.Items} items in {baseline.Seconds:0.0} s");

            await using var rabbit = await BenchRabbitMq.StartAsync();
            await using var postgres = await BenchPostgres.StartAsync(args.String("postgres"));
            await using var zepForPipeline = await ZepEmulatorHost.StartAsync(Emulator());
            var ledger = await postgres.CreateDatabaseAsync("bench_pipeline");
            var distributed = await RunDistributedAsync(files, rabbit.Uri, ledger, zepForPipeline, settings.workers, settings.mode, settings.rpm);
            var requests429 = zepForPipeline.Store.GetStats().Requests.GetValueOrDefault("429");

            var items = distributed.Report.Items.Migrated;
            var itemsPerSecond = items / distributed.Seconds;
            var baselinePerSecond = baseline.Items / baseline.Seconds;
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "pipeline",
                settings,
                status = distributed.Report.Status,
                items,
                seconds = Math.Round(distributed.Seconds, 2),
                itemsPerSecond = Math.Round(itemsPerSecond, 1),
                baselineItemsPerSecond = Math.Round(baselinePerSecond, 1),
                speedup = Math.Round(itemsPerSecond / baselinePerSecond, 1),
                zepRequestsPerItem = Math.Round((double)distributed.Report.ZepRequests / items, 3),
                baselineZepRequestsPerItem = Math.Round((double)baseline.Requests / baseline.Items, 3),
                zep429s = requests429,
                requestsPerMinuteUsed = Math.Round(distributed.Report.ZepRequests / (distributed.Seconds / 60), 0),
                peakRssMbPerWorker = distributed.PeakRssMb,
                ledgerRowsPerItem = Math.Round(distributed.LedgerRows / (double)items, 2),
                userLatencySeconds = new { p50 = distributed.P50, p99 = distributed.P99 },
            }, new JsonSerializerOptions { WriteIndented = true }));
            return distributed.Report.Status == "Completed" ? 0 : 3;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string[]> GenerateAsync(string folder, int users, int memoriesPerUser, int messagesPerUser)
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

    private sealed record Distributed(RunReport Report, double Seconds, long[] PeakRssMb, long LedgerRows, double P50, double P99);

    private static async Task<Distributed> RunDistributedAsync(string[] files, string rabbitUri, string ledger, ZepEmulatorHost zep, int workerCount, string mode, int rpm)
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
            ["Zep__RequestsPerMinute"] = rpm > 0 ? ((int)(rpm * 0.97)).ToString() : "0",
            ["Pipeline__MigrateConcurrency"] = "16",
        };
        var workers = Enumerable.Range(0, workerCount).Select(i => new WorkerProcess($"worker-{i}", environment)).ToList();
        foreach (var worker in workers) worker.Start();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(8)); // workers declare their queues before the first publish
            var watch = Stopwatch.StartNew();
            var runId = await launcher.StartRunAsync(files);
            var report = await launcher.WaitForFinishAsync(runId, TimeSpan.FromMinutes(30), () => string.Join('\n', workers.Select(w => w.Tail)));
            var seconds = watch.Elapsed.TotalSeconds;
            var rss = workers.Select(w => (w.PeakRssBytes() ?? 0) / 1048576).ToArray();
            var (rows, latencies) = await LedgerFiguresAsync(ledger, runId);
            latencies.Sort();
            return new Distributed(report, seconds, rss, rows, Percentile(latencies, 0.5), Percentile(latencies, 0.99));
        }
        finally
        {
            foreach (var worker in workers) await worker.DisposeAsync();
        }
    }

    private static async Task<(long Rows, List<double> Latencies)> LedgerFiguresAsync(string ledger, Guid runId)
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
        return (rows, latencies);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)], 2);
}
