using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.TestInfrastructure;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// Issue 24's scaling measurement: the same export migrated by the distributed pipeline with 1, 2, 4 and 8 worker processes
/// (<c>--workers 1,2,4,8</c>), one RabbitMQ, one PostgreSQL server (a fresh ledger database per phase), one emulator per
/// phase (so one Zep rate budget), and <c>--apis</c> migration API processes sharing the ledger: the run is started through
/// the first API (<c>POST /api/v1/migrations</c> by path in the drop folder) and every API is polled once a second for the
/// run's status (<c>GET /api/v1/migrations/{id}</c>), as dashboards would. Per phase: items/s, Zep requests/s, ledger
/// transactions/s (<c>pg_stat_database.xact_commit + xact_rollback</c> deltas), and the CPU and peak RSS of each worker,
/// API, PostgreSQL, RabbitMQ and the bench process (which serves the emulator).
/// <c>scale --users N --memories-per-user M --messages-per-user K --latency-ms L --rpm R --workers 1,2,4,8 --apis 2 --mode sequential|batch --concurrency C [--ledger-size]</c>
/// (<c>--ledger-size</c>: after the phases, a dry run of the same export into a fresh ledger, and the ledger's size on
/// disk per table with every item staged and after a real run purged its content).
/// </summary>
public static class ScaleBenchmark
{
    public static async Task<int> RunAsync(BenchArguments args)
    {
        var settings = new
        {
            users = args.Int("users", 200),
            memoriesPerUser = args.Int("memories-per-user", 15),
            messagesPerUser = args.Int("messages-per-user", 20),
            latencyMs = args.Int("latency-ms", 0),
            rpm = args.Int("rpm", 0),
            clientRpm = args.Int("rpm", 0) > 0 ? (int)(args.Int("rpm", 0) * 0.97) : 0,
            workers = (args.String("workers") ?? "1,2,4,8").Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray(),
            apis = args.Int("apis", 2),
            mode = args.String("mode") ?? "sequential",
            migrateConcurrency = args.Int("concurrency", 16),
            ledgerSize = args.Flag("ledger-size"),
            cores = Environment.ProcessorCount,
        };
        var folder = Directory.CreateTempSubdirectory("pixelated-scale-").FullName;
        var drop = Path.Combine(folder, "drop");
        var incoming = Path.Combine(drop, "incoming");
        Directory.CreateDirectory(incoming);
        var loadBefore = Load();
        try
        {
            var files = await PipelineBenchmark.GenerateAsync(incoming, settings.users, settings.memoriesPerUser, settings.messagesPerUser);
            await using var rabbit = await BenchRabbitMq.StartAsync();
            await using var postgres = await BenchPostgres.StartAsync(args.String("postgres"));
            var phases = new List<Phase>();
            var allCompleted = true;
            string? lastLedger = null;
            foreach (var workerCount in settings.workers)
            {
                var ledger = await postgres.CreateDatabaseAsync($"bench_scale_w{workerCount}");
                await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { LatencyMs = settings.latencyMs, RequestsPerMinute = settings.rpm });
                var phase = await RunPhaseAsync(workerCount, settings.apis, drop, ledger, rabbit, postgres, zep, settings.mode, settings.clientRpm,
                    settings.migrateConcurrency, settings.rpm);
                allCompleted &= phase.Status == "completed";
                phases.Add(phase);
                Console.WriteLine(JsonSerializer.Serialize(phase)); // each phase as it ends: a later phase's failure keeps the earlier figures
                lastLedger = ledger;
                Console.Error.WriteLine($"[bench] {workerCount} worker(s): {phase.Items} items in {phase.Seconds:0.0} s = {phase.ItemsPerSecond:0.0} items/s, " +
                    $"{phase.ZepRequestsPerSecond:0.0} Zep req/s, {phase.LedgerTransactionsPerSecond:0} ledger tx/s, machine {phase.MachineBusyPercent} % busy");
            }

            object? ledgerSize = null;
            if (settings.ledgerSize && lastLedger is not null)
                ledgerSize = await LedgerSizeAsync(postgres, rabbit, drop, lastLedger, settings.migrateConcurrency);

            var first = phases.FirstOrDefault();
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "scale",
                date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
                load = new { before = loadBefore, after = Load() },
                settings,
                phases = phases.Select(p => new
                {
                    p.Workers,
                    p.Apis,
                    p.Status,
                    p.Users,
                    p.Items,
                    p.Seconds,
                    p.ItemsPerSecond,
                    p.SteadyItemsPerSecond,
                    scalingVsOneWorker = first is null || first.ItemsPerSecond == 0 ? (double?)null : Math.Round(p.ItemsPerSecond / first.ItemsPerSecond, 2),
                    p.ZepRequests,
                    p.ZepRequestsPerSecond,
                    p.ZepRequestsPerMinute,
                    p.ZepRequestsPerItem,
                    p.AllowedRateUsedPercent,
                    p.Zep429s,
                    p.LedgerTransactions,
                    p.LedgerTransactionsPerSecond,
                    p.LedgerTransactionsPerUser,
                    p.UserLatencySeconds,
                    p.WorkerCpuSeconds,
                    p.WorkerCoresUsed,
                    p.WorkerPeakRssMb,
                    p.ApiCpuSeconds,
                    p.ApiPeakRssMb,
                    p.ApiPolls,
                    p.ApiPollMsP50,
                    p.PostgresCpuSeconds,
                    p.PostgresCoresUsed,
                    p.RabbitMqCpuSeconds,
                    p.BenchProcessCpuSeconds,
                    p.MachineBusyPercent,
                    p.Bound,
                }),
                ledgerSize,
            }, new JsonSerializerOptions { WriteIndented = true }));

            Console.WriteLine();
            Console.WriteLine("| workers | items/s (x 1 worker) | Zep req/s | ledger tx/s (per user) | worker CPU s each | worker peak RSS MB | PostgreSQL cores | machine busy | bound |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var p in phases)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {p.Workers} | {p.ItemsPerSecond:0.0} ({(first is null ? 0 : p.ItemsPerSecond / first.ItemsPerSecond):0.00}x) | {p.ZepRequestsPerSecond:0.0} | {p.LedgerTransactionsPerSecond:0} ({p.LedgerTransactionsPerUser:0.0}) | " +
                    $"{string.Join(" / ", p.WorkerCpuSeconds)} | {string.Join(" / ", p.WorkerPeakRssMb)} | {p.PostgresCoresUsed:0.00} | {p.MachineBusyPercent} % | {p.Bound} |"));
            }
            return allCompleted ? 0 : 3;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record Phase(int Workers, int Apis, string Status, int Users, long Items, double Seconds, double ItemsPerSecond, double? SteadyItemsPerSecond,
        long ZepRequests, double ZepRequestsPerSecond, double ZepRequestsPerMinute, double ZepRequestsPerItem, double? AllowedRateUsedPercent, long Zep429s,
        long LedgerTransactions, double LedgerTransactionsPerSecond, double LedgerTransactionsPerUser, object UserLatencySeconds,
        double[] WorkerCpuSeconds, double WorkerCoresUsed, long[] WorkerPeakRssMb, double[] ApiCpuSeconds, long[] ApiPeakRssMb, int ApiPolls, double? ApiPollMsP50,
        double PostgresCpuSeconds, double PostgresCoresUsed, double RabbitMqCpuSeconds, double BenchProcessCpuSeconds, double MachineBusyPercent, string Bound);

    private static Dictionary<string, string?> WorkerEnvironment(string rabbitUri, string ledger, ZepEmulatorHost zep, string mode, int clientRpm, int migrateConcurrency, string drop) => new()
    {
        ["Pipeline__Bus"] = "rabbitmq",
        ["ConnectionStrings__RabbitMq"] = rabbitUri,
        ["Ledger__Provider"] = "postgres",
        ["ConnectionStrings__Ledger"] = ledger,
        ["Zep__BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri,
        ["ZEP_API_KEY"] = zep.Options.ApiKey,
        ["Zep__WriteMode"] = mode,
        ["Zep__RequestsPerMinute"] = clientRpm.ToString(CultureInfo.InvariantCulture),
        ["Pipeline__MigrateConcurrency"] = migrateConcurrency.ToString(CultureInfo.InvariantCulture),
        // Runs started through the API read only inside the drop folder, on the workers too; the exports lie in a
        // subfolder, which the drop-folder watcher (top-level files only) leaves alone.
        ["Pipeline__DropFolder"] = drop,
    };

    private static async Task<Phase> RunPhaseAsync(int workerCount, int apiCount, string drop, string ledger, BenchRabbitMq rabbit, BenchPostgres postgres,
        ZepEmulatorHost zep, string mode, int clientRpm, int migrateConcurrency, int rpm)
    {
        await using var launcher = await LauncherHost.StartAsync(rabbit.Uri, ledger); // applies the ledger migrations before any host starts
        var environment = WorkerEnvironment(rabbit.Uri, ledger, zep, mode, clientRpm, migrateConcurrency, drop);
        var apiKey = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var apis = Enumerable.Range(0, apiCount).Select(i => new ApiProcess($"api-{i}", environment, apiKey)).ToList();
        var workers = Enumerable.Range(0, workerCount).Select(i => new WorkerProcess($"worker-{i}", environment)).ToList();
        try
        {
            foreach (var api in apis) api.Start();
            foreach (var worker in workers) worker.Start();
            foreach (var api in apis) await api.WaitUntilLiveAsync(TimeSpan.FromMinutes(3));
            foreach (var api in apis) await api.WarmUpAsync();
            // Workers declare their queues and bind before the first publish; 8 processes starting on 2 cores take longer.
            await Task.Delay(TimeSpan.FromSeconds(6 + 2 * workerCount));

            var workerPids = ChildProcesses.OfThisProcessRunning("Pixelated.MigrationPipeline.Worker.dll");
            var apiPids = apis.Select(a => a.Pid ?? 0).ToArray();
            var workerCpuBefore = workerPids.Select(ChildProcesses.CpuSeconds).ToArray();
            var apiCpuBefore = apiPids.Select(ChildProcesses.CpuSeconds).ToArray();
            var postgresBefore = PostgresProcesses.CpuSeconds(postgres.PostmasterPid);
            var rabbitBefore = RabbitMqCpuSeconds(rabbit.NodeName);
            var benchBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            var transactionsBefore = await TransactionsAsync(ledger);
            var machine = MachineCpu.Now();
            var watch = new ZepRequestWatch(zep);

            var runId = apis.Count > 0 ? await apis[0].StartRunAsync("incoming") : await launcher.StartRunAsync([Path.Combine(drop, "incoming")]);
            using var stopPolling = new CancellationTokenSource();
            var polls = apis.Select(api => PollAsync(api, runId, stopPolling.Token)).ToList();
            RunReport report;
            try
            {
                report = await launcher.WaitForFinishAsync(runId, TimeSpan.FromMinutes(30),
                    () => string.Join('\n', workers.Select(w => w.Tail).Concat(apis.Select(a => a.Tail))));
            }
            finally
            {
                await stopPolling.CancelAsync();
            }
            var served = watch.Stop();
            var busy = machine.BusyPercentSince();
            var workerCpu = workerPids.Select((pid, i) => Math.Round(ChildProcesses.CpuSeconds(pid) - workerCpuBefore[i], 1)).ToArray();
            var apiCpu = apiPids.Select((pid, i) => Math.Round(ChildProcesses.CpuSeconds(pid) - apiCpuBefore[i], 1)).ToArray();
            var postgresCpu = PostgresProcesses.CpuSeconds(postgres.PostmasterPid) - postgresBefore;
            var rabbitCpu = RabbitMqCpuSeconds(rabbit.NodeName) - rabbitBefore;
            var benchCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - benchBefore;
            var workerRss = workers.Select(w => (w.PeakRssBytes() ?? 0) / 1048576).ToArray();
            var apiRss = apis.Select(a => (a.PeakRssBytes() ?? 0) / 1048576).ToArray();
            var pollTimes = (await Task.WhenAll(polls)).SelectMany(p => p).Order().ToList();
            await Task.Delay(1500); // PostgreSQL publishes a backend's statistics at most once a second
            var transactions = await TransactionsAsync(ledger) - transactionsBefore;
            var latencies = await UserLatenciesAsync(ledger, runId);

            var items = report.Items.Migrated;
            var seconds = served.Seconds;
            var itemsPerSecond = items / seconds;
            var zepPerMinute = served.ServedPerMinute;
            var allowed = rpm > 0 ? Math.Round(100 * zepPerMinute / rpm, 1) : (double?)null;
            var postgresCores = postgresCpu / seconds;
            return new Phase(workerCount, apiCount, StatusNames.ToWire(report.Status), report.Users.Total, items, Math.Round(seconds, 2), Math.Round(itemsPerSecond, 1),
                Steady(items, latencies), served.Served, Math.Round(served.Served / seconds, 1), zepPerMinute, Math.Round((double)served.Served / items, 3), allowed,
                served.TooManyRequests, transactions, Math.Round(transactions / seconds, 0), Math.Round(transactions / (double)report.Users.Total, 1),
                new { p50 = Percentile(latencies, 0.5), p99 = Percentile(latencies, 0.99) },
                workerCpu, Math.Round(workerCpu.Sum() / seconds, 2), workerRss, apiCpu, apiRss, pollTimes.Count, pollTimes.Count == 0 ? null : Math.Round(Percentile(pollTimes, 0.5), 1),
                Math.Round(postgresCpu, 1), Math.Round(postgresCores, 2), Math.Round(rabbitCpu, 1), Math.Round(benchCpu, 1), busy,
                Bound(allowed, busy, postgresCores));
        }
        finally
        {
            foreach (var worker in workers) await worker.DisposeAsync();
            foreach (var api in apis) await api.DisposeAsync();
        }
    }

    /// <summary>
    /// What stopped the phase from going faster, from its own figures: the Zep budget when ≥ 90 % of the allowed rate was
    /// served; else the machine's cores when they were ≥ 90 % busy (and PostgreSQL's share of them); else waiting (latency,
    /// the run's in-flight cap, dispatch).
    /// </summary>
    private static string Bound(double? allowedPercent, double busyPercent, double postgresCores) =>
        allowedPercent is >= 90 ? "Zep rate budget"
        : busyPercent >= 90 ? string.Create(CultureInfo.InvariantCulture, $"CPU ({busyPercent:0} % busy; PostgreSQL {postgresCores:0.00} cores)")
        : "latency / in-flight cap (cores idle)";

    private static async Task<List<double>> PollAsync(ApiProcess api, Guid runId, CancellationToken stop)
    {
        var times = new List<double>();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (await api.PollRunAsync(runId) is { } ms) times.Add(ms);
                await Task.Delay(1000, stop);
            }
        }
        catch (OperationCanceledException) { }
        return times;
    }

    /// <summary>
    /// The ledger's size on disk: (1) a dry run of the same export on a fresh database — every item staged with its content
    /// (a run's peak: staging precedes the migration), nothing purged; (2) the last phase's ledger after its real run, whose
    /// verified users' content was purged (keys, statuses, hashes and write units stay). Both after VACUUM ANALYZE.
    /// </summary>
    private static async Task<object> LedgerSizeAsync(BenchPostgres postgres, BenchRabbitMq rabbit, string drop, string migratedLedger, int migrateConcurrency)
    {
        var staged = await postgres.CreateDatabaseAsync("bench_size");
        await using (var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions()))
        {
            await using var launcher = await LauncherHost.StartAsync(rabbit.Uri, staged);
            var worker = new WorkerProcess("worker-size", WorkerEnvironment(rabbit.Uri, staged, zep, "sequential", 0, migrateConcurrency, drop));
            try
            {
                worker.Start();
                await Task.Delay(TimeSpan.FromSeconds(8));
                var runId = await launcher.StartRunAsync([Path.Combine(drop, "incoming")], dryRun: true);
                await launcher.WaitForFinishAsync(runId, TimeSpan.FromMinutes(10), () => worker.Tail);
            }
            finally
            {
                await worker.DisposeAsync();
            }
        }
        return new { stagedDryRun = await TableSizesAsync(staged), afterRealRunPurged = await TableSizesAsync(migratedLedger) };
    }

    private static async Task<object> TableSizesAsync(string ledger)
    {
        await using var connection = new NpgsqlConnection(ledger);
        await connection.OpenAsync();
        await using (var vacuum = new NpgsqlCommand("VACUUM ANALYZE", connection)) await vacuum.ExecuteNonQueryAsync();
        await using var items = new NpgsqlCommand("SELECT count(*) FROM staged_items", connection);
        var itemCount = (long)(await items.ExecuteScalarAsync())!;
        await using var command = new NpgsqlCommand(
            """
            SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid), c.reltuples::bigint
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY pg_total_relation_size(c.oid) DESC
            """, connection);
        var tables = new List<object>();
        long total = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var bytes = reader.GetInt64(1);
            total += bytes;
            tables.Add(new { table = reader.GetString(0), totalBytes = bytes, heapBytes = reader.GetInt64(2), rows = reader.GetInt64(3) });
        }
        return new
        {
            stagedItems = itemCount,
            totalBytes = total,
            bytesPerItem = itemCount == 0 ? 0 : Math.Round(total / (double)itemCount, 0),
            gbPerMillionItems = itemCount == 0 ? 0 : Math.Round(total / (double)itemCount * 1_000_000 / 1e9, 2),
            tables,
        };
    }

    /// <summary>The node's Erlang VM: a <c>beam</c> process started with <c>RABBITMQ_NODENAME</c> = the node.</summary>
    private static double RabbitMqCpuSeconds(string nodeName) =>
        ProcStat.All().Where(p => CommandLineContains(p.Pid, "beam") && EnvironmentContains(p.Pid, $"RABBITMQ_NODENAME={nodeName}"))
            .Sum(p => p.OwnTicks) / ProcStat.TicksPerSecond;

    private static bool EnvironmentContains(int pid, string text)
    {
        try { return File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains(text, StringComparer.Ordinal); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static bool CommandLineContains(int pid, string text)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Contains(text, StringComparison.Ordinal); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static async Task<long> TransactionsAsync(string ledger)
    {
        await using var connection = new NpgsqlConnection(ledger);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<double>> UserLatenciesAsync(string ledger, Guid runId)
    {
        await using var connection = new NpgsqlConnection(ledger);
        await connection.OpenAsync();
        await using var latency = new NpgsqlCommand(
            "SELECT EXTRACT(EPOCH FROM (u.updated_at - r.ingested_at))::float8 FROM run_users u JOIN runs r ON r.id = u.run_id WHERE r.id = @run", connection);
        latency.Parameters.AddWithValue("run", runId);
        var latencies = new List<double>();
        await using var reader = await latency.ExecuteReaderAsync();
        while (await reader.ReadAsync()) latencies.Add(reader.GetDouble(0));
        latencies.Sort();
        return latencies;
    }

    private static double? Steady(long items, List<double> sorted)
    {
        if (sorted.Count < 40) return null;
        var window = Percentile(sorted, 0.75) - Percentile(sorted, 0.25);
        return window > 0 ? Math.Round(items * 0.5 / window, 1) : null;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)], 2);

    private static string Load() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
