using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Hosting;
using Pixelated.MemoryService.Options;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// The memory service under a mixed open-loop load: the real service (<see cref="MemoryServiceHost"/>, Kestrel on
/// loopback, its own PostgreSQL or SQLite) over a ZepEmulator with the given latency, all in this process.
/// Set-up creates <c>--users</c> patients with a session, messages and one record of each kind; a warm-up of
/// 10 s at the same rate is not recorded; then <c>--seconds</c> at <c>--rps</c>. Per operation: client-side latency
/// p50/p95/p99, server time, Zep time (the service's Zep client, timed inside the service), the overhead
/// (server − Zep) p50/p99 and the database's part of it. Prints one JSON object and a table.
/// <c>memory [--latency-ms L] [--rps R] [--seconds S] [--users U] [--provider postgres|sqlite]</c>
/// </summary>
public static class MemoryServiceBenchmark
{
    private const string SigningKey = "memory-service-bench-signing-key-0123456789abcdef";
    private const int WarmUpSeconds = 10;

    public static async Task<int> RunAsync(BenchArguments options)
    {
        var latencyMs = options.Int("latency-ms", 0);
        var perSecond = options.Int("rps", 200);
        var seconds = options.Int("seconds", 30);
        var users = options.Int("users", 50);
        var provider = options.String("provider") ?? "postgres";
        if (provider is not ("postgres" or "sqlite")) throw new ArgumentException("--provider must be postgres or sqlite");

        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "emulator-key-for-memory-bench", LatencyMs = latencyMs });
        await using var postgres = provider == "postgres" ? await BenchPostgres.StartAsync(options.String("postgres")) : null;
        var sqliteFolder = provider == "sqlite" ? Directory.CreateTempSubdirectory("pixelated-bench-memory-").FullName : null;
        var connectionString = postgres is not null
            ? await postgres.CreateDatabaseAsync("memory_bench") // at least 7 characters: the name is cut to 40
            : $"Data Source={Path.Combine(sqliteFolder!, "memory.db")}";
        try
        {
            var recorder = new MemoryLatencyRecorder();
            await using var app = await MemoryServiceHost.BuildAsync(["--urls", "http://127.0.0.1:0"], Settings(provider, connectionString, zep), builder =>
            {
                builder.Services.AddSingleton(recorder);
                builder.Services.AddTransient<IStartupFilter, MemoryServerTimingFilter>();
                builder.Services.AddTransient<MemoryZepTimingHandler>();
                builder.Services.AddHttpClient(nameof(ZepClient)).AddHttpMessageHandler<MemoryZepTimingHandler>();
                var database = new MemoryDatabaseTimingInterceptor();
                builder.Services.ConfigureDbContext<PostgresMemoryDbContext>(o => o.AddInterceptors(database));
                builder.Services.ConfigureDbContext<SqliteMemoryDbContext>(o => o.AddInterceptors(database));
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            {
                BaseAddress = new Uri(address.TrimEnd('/') + "/"),
                Timeout = TimeSpan.FromSeconds(30),
            };
            var pool = new MemoryLoadPool();
            var client = new MemoryLoadClient(http, recorder, app.Services.GetRequiredService<IOptions<MemoryAuthOptions>>().Value, pool);

            var setUp = Stopwatch.StartNew();
            await SetUpAsync(client, pool, users);
            Console.Error.WriteLine($"[bench] set-up: {users} patients, {pool.Sessions} sessions in {setUp.Elapsed.TotalSeconds:0.0} s; warm-up {WarmUpSeconds} s at {perSecond}/s");
            await MemoryOpenLoop.RunAsync(client, perSecond, WarmUpSeconds);

            var loadBefore = LoadAverage();
            var counters = new ProcessCounters();
            using var zepWatch = new ZepRequestWatch(zep);
            recorder.Enabled = true;
            var measured = Stopwatch.StartNew();
            var load = await MemoryOpenLoop.RunAsync(client, perSecond, seconds);
            var measuredSeconds = measured.Elapsed.TotalSeconds;
            recorder.Enabled = false;
            var process = counters.Stop();
            var zepFigures = zepWatch.Stop();
            var loadAfter = LoadAverage();

            var (routes, overall) = recorder.Figures(load.SendSeconds);
            var targets = Targets(routes, overall, latencyMs, perSecond);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "memory",
                settings = new { latencyMs, requestsPerSecond = perSecond, seconds, users, provider, warmUpSeconds = WarmUpSeconds, cores = Environment.ProcessorCount },
                load = new
                {
                    sent = load.Sent,
                    answered = overall.Count,
                    sendSeconds = load.SendSeconds,
                    achievedPerSecond = Math.Round(overall.Count / load.SendSeconds, 1),
                    drainSeconds = Math.Round(measuredSeconds - load.SendSeconds, 2),
                    generatorLagP99Ms = load.LagP99Ms,
                    generatorLagMaxMs = load.LagMaxMs,
                    loadAverage = new { before = loadBefore, after = loadAfter },
                },
                routes,
                overall,
                targets,
                zep = new { served = zepFigures.Served, perSecond = Math.Round(zepFigures.Served / zepFigures.Seconds, 1), byRoute = zepFigures.ByRoute },
                process,
            }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
            PrintTable(routes, overall, targets);
            await app.StopAsync();
            return 0;
        }
        finally
        {
            if (sqliteFolder is not null) Directory.Delete(sqliteFolder, recursive: true);
        }
    }

    /// <summary>The service's settings: as the test host's (HS256 development key), quiet logging, the chosen database.</summary>
    private static Dictionary<string, string?> Settings(string provider, string connectionString, ZepEmulatorHost zep) => new()
    {
        ["Memory:Provider"] = provider,
        ["ConnectionStrings:Memory"] = connectionString,
        ["Memory:Auth:SigningKey"] = SigningKey,
        ["Memory:Auth:Audience"] = "pixelated-memory",
        ["Memory:Auth:Issuer"] = "pixelated-memory-dev",
        ["Zep:BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri,
        ["ZEP_API_KEY"] = zep.Options.ApiKey,
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Patients with one session each, a few messages and one record of each kind (not recorded).</summary>
    private static async Task SetUpAsync(MemoryLoadClient client, MemoryLoadPool pool, int users)
    {
        await Parallel.ForAsync(0, users, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) => await client.CreateUserAsync());
        for (var i = 0; i < users; i++) await client.StartSessionAsync(); // random patients; most get a session
        for (var i = 0; i < pool.Sessions * 3; i++) await client.StoreMessagesAsync();
        foreach (var kind in new[] { "summary", "emotional-state", "treatment-plan" })
            foreach (var session in pool.AllSessions()) await client.StoreRecordAsync(session, kind);
        pool.KeepRecordedSessions();
    }

    /// <summary>The issue's targets: p99 of user create, message store and history at 0 ms latency and ≤ 200 requests/s; overhead p99 ≤ 5 ms.</summary>
    private static object Targets(IReadOnlyList<MemoryRouteFigures> routes, MemoryRouteFigures overall, int latencyMs, int perSecond)
    {
        double P99(string route) => routes.FirstOrDefault(r => r.Route == route)?.ClientP99 ?? double.NaN;
        var promisesApply = latencyMs == 0 && perSecond <= 200;
        return new
        {
            promisesApply,
            userCreateP99Under100Ms = new { p99 = P99(MemoryLoadClient.CreateUser), met = P99(MemoryLoadClient.CreateUser) < 100 },
            messageStoreP99Under50Ms = new { p99 = P99(MemoryLoadClient.StoreMessages), met = P99(MemoryLoadClient.StoreMessages) < 50 },
            historyP99Under100Ms = new { p99 = P99(MemoryLoadClient.ReadHistory), met = P99(MemoryLoadClient.ReadHistory) < 100 },
            overheadP99AtMost5Ms = new { p99 = overall.OverheadP99, met = overall.OverheadP99 <= 5, worstRoute = routes.MaxBy(r => r.OverheadP99)?.Route },
        };
    }

    private static void PrintTable(IReadOnlyList<MemoryRouteFigures> routes, MemoryRouteFigures overall, object targets)
    {
        static string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        Console.WriteLine();
        Console.WriteLine($"{"route",-36} {"n",6} {"err",4} {"p50",7} {"p95",7} {"p99",7} {"srv99",7} {"zep99",7} {"ovh50",6} {"ovh99",6} {"db99",6} {"rest99",6} {"zep/r",5} {"db/r",5}");
        foreach (var r in routes.Append(overall))
            Console.WriteLine($"{r.Route,-36} {r.Count,6} {r.Errors,4} {F(r.ClientP50),7} {F(r.ClientP95),7} {F(r.ClientP99),7} {F(r.ServerP99),7} {F(r.ZepP99),7} " +
                              $"{F(r.OverheadP50),6} {F(r.OverheadP99),6} {F(r.DatabaseP99),6} {F(r.RestP99),6} {r.ZepCallsPerRequest,5:0.0} {r.DatabaseCallsPerRequest,5:0.0}");
        Console.WriteLine("(ms; p50/p95/p99 client-side; srv = server time, zep = time in Zep calls, ovh = server − Zep, db = database round trips,");
        Console.WriteLine(" rest = ovh − db; per request; zep/r, db/r = Zep calls and database round trips per request)");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
