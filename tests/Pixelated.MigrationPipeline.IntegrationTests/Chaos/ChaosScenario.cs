using Pixelated.MigrationPipeline.TestInfrastructure;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.IntegrationTests.Chaos;

/// <summary>
/// One fault test's world: a fresh ledger database, the emulator, a deterministic clinic export, a launcher and N real
/// worker processes on the shared RabbitMQ. It ends with the checker comparing export, ledger and emulator.
/// </summary>
public sealed class ChaosScenario : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _folder = Directory.CreateTempSubdirectory("pixelated-chaos-").FullName;

    private ChaosScenario(ITestOutputHelper output) => _output = output;

    public ZepEmulatorHost Zep { get; private set; } = null!;
    public LauncherHost Launcher { get; private set; } = null!;
    public List<WorkerProcess> Workers { get; } = [];
    public string[] Files { get; private set; } = [];
    public ExpectedExport Expected { get; private set; } = null!;
    public Random Random { get; } = new(20261126);
    private string _rabbitUri = "";

    /// <param name="rabbitMqUri">the broker (credentials, virtual host, first host); null: the fixture's shared RabbitMQ.</param>
    /// <param name="rabbitMqNodes">the nodes of a RabbitMQ cluster (<c>host:port</c>): every worker and the launcher get them all as
    /// <c>RabbitMq:ClusterNodes</c>, worker i starting from node i (so the workers spread over the nodes); null: the URI's host.</param>
    public static async Task<ChaosScenario> StartAsync(
        InfrastructureFixture infrastructure, ITestOutputHelper output, EmulatorOptions emulator,
        int workers = 2, int users = 24, int memoriesPerUser = 18, int messagesPerUser = 40, int requestTimeoutSeconds = 5,
        int migrateConcurrency = 3, IReadOnlyDictionary<string, string?>? workerEnvironment = null,
        string? rabbitMqUri = null, IReadOnlyList<string>? rabbitMqNodes = null)
    {
        rabbitMqUri ??= infrastructure.RabbitMqUri;
        var scenario = new ChaosScenario(output) { _rabbitUri = rabbitMqUri };
        scenario.Zep = await ZepEmulatorHost.StartAsync(emulator);
        var ledger = await infrastructure.CreateDatabaseAsync("chaos");
        scenario.Launcher = await LauncherHost.StartAsync(rabbitMqUri, ledger, rabbitMqNodes);
        scenario.Files = SyntheticClinicExport.Write(scenario._folder, users, memoriesPerUser, messagesPerUser);
        scenario.Expected = ExpectedExport.LoadFiles(scenario.Files);

        var environment = new Dictionary<string, string?>
        {
            ["Pipeline__Bus"] = "rabbitmq",
            ["ConnectionStrings__RabbitMq"] = rabbitMqUri,
            ["Ledger__Provider"] = "postgres",
            ["ConnectionStrings__Ledger"] = ledger,
            ["Zep__BaseUrl"] = scenario.Zep.ApiBaseUrl.AbsoluteUri,
            ["ZEP_API_KEY"] = emulator.ApiKey,
            ["Zep__RequestTimeoutSeconds"] = requestTimeoutSeconds.ToString(),
            ["Zep__CircuitBreakSeconds"] = "2",
            ["Pipeline__MigrateConcurrency"] = migrateConcurrency.ToString(),
        };
        foreach (var (key, value) in workerEnvironment ?? new Dictionary<string, string?>()) environment[key] = value;
        for (var i = 0; i < workers; i++)
        {
            var own = new Dictionary<string, string?>(environment);
            if (rabbitMqNodes is { Count: > 0 })
            {
                for (var n = 0; n < rabbitMqNodes.Count; n++) own[$"RabbitMq__ClusterNodes__{n}"] = rabbitMqNodes[(i + n) % rabbitMqNodes.Count];
            }
            var worker = new WorkerProcess($"worker-{i}", own);
            worker.Start();
            scenario.Workers.Add(worker);
        }
        // A publish before any consumer declared its queue is dropped by the broker: start runs only once the workers' topology exists.
        await WaitForQueuesAsync(rabbitMqUri, ["ingest-export", "migrate-user", "validate-user"], scenario.Diagnostics);
        return scenario;
    }

    private static async Task WaitForQueuesAsync(string uri, string[] queues, Func<string> diagnostics)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(uri) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        await using var connection = await factory.CreateConnectionAsync();
        foreach (var queue in queues)
        {
            while (true)
            {
                try
                {
                    await using var channel = await connection.CreateChannelAsync();
                    await channel.QueueDeclarePassiveAsync(queue);
                    break;
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200);
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e)
                {
                    throw new TimeoutException($"queue {queue} was not declared by the workers within 90 s\n{diagnostics()}", e);
                }
            }
        }
    }

    /// <summary>Messages sitting in the pipeline's error and dead-letter queues (absent queues count as empty).</summary>
    public static async Task<uint> FaultedMessagesAsync(string uri) =>
        (await ReadFaultQueuesAsync(uri, async (channel, queue) => (await channel.QueueDeclarePassiveAsync(queue)).MessageCount))
        .Aggregate(0u, (total, count) => total + count);

    /// <summary>The first message of each error and dead-letter queue (left in place): MassTransit's fault type, message and stack.</summary>
    public static async Task<string> DescribeFaultsAsync(string uri)
    {
        var found = await ReadFaultQueuesAsync(uri, async (channel, queue) =>
        {
            var message = await channel.BasicGetAsync(queue, autoAck: false);
            if (message is null) return null;
            await channel.BasicNackAsync(message.DeliveryTag, multiple: false, requeue: true);
            var headers = message.BasicProperties.Headers ?? new Dictionary<string, object?>();
            string Header(string key) => headers.TryGetValue(key, out var v) && v is byte[] b ? System.Text.Encoding.UTF8.GetString(b) : v?.ToString() ?? "";
            var stack = Header("MT-Fault-StackTrace");
            return $"{queue}: {Header("MT-Fault-ExceptionType")} {Header("MT-Fault-Message")} {stack[..Math.Min(1500, stack.Length)]}";
        });
        var faults = found.OfType<string>().ToList();
        return faults.Count == 0 ? "none" : string.Join(" | ", faults);
    }

    /// <summary>Reads each of the pipeline's error and dead-letter queues that exists, on a channel of its own.</summary>
    private static async Task<List<T>> ReadFaultQueuesAsync<T>(string uri, Func<RabbitMQ.Client.IChannel, string, Task<T>> read)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(uri) };
        await using var connection = await factory.CreateConnectionAsync();
        var results = new List<T>();
        foreach (var queue in new[] { "ingest-export", "migrate-user", "validate-user" }.SelectMany(q => new[] { q + "_error", q + "_dlq" }))
        {
            await using var channel = await connection.CreateChannelAsync();
            try { results.Add(await read(channel, queue)); }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) { } // no such queue: nothing faulted there
        }
        return results;
    }

    /// <summary>The workers' write mode: the same fault suite runs against the sequential writer and the Batch API writer.</summary>
    public static Dictionary<string, string?> WriteMode(string mode) => new() { ["Zep__WriteMode"] = mode };

    /// <summary>In batch mode Zep processes batches at a bounded pace, so faults land while work is in flight.</summary>
    public static EmulatorOptions Emulator(string mode, int latencyMs)
    {
        var options = new EmulatorOptions { LatencyMs = latencyMs };
        if (mode == "batch") options.Batch.ItemsPerSecond = 150;
        return options;
    }

    public Task<Guid> StartRunAsync() => Launcher.StartRunAsync(Files);

    public string Diagnostics() => string.Join(Environment.NewLine, Workers.Select(w => w.Tail));

    /// <summary>Waits for the run to finish, then checks export against ledger and emulator; 0 lost, 0 duplicated, 0 unexpected.</summary>
    public async Task<RunReport> FinishAndCheckAsync(Guid runId, TimeSpan timeout)
    {
        foreach (var worker in Workers.Where(w => !w.IsRunning)) worker.Start();
        var report = await Launcher.WaitForFinishAsync(runId, timeout, Diagnostics);
        var check = MigrationChecker.Check(Zep.Store, Expected);
        var stats = Zep.Store.GetStats();
        _output.WriteLine($"run {report.Status}: users {report.Users}, items {report.Items}, zep requests {report.ZepRequests}; " +
                          $"emulator requests {string.Join(' ', stats.Requests.Select(kv => $"{kv.Key}:{kv.Value}"))}, batches {stats.Batches} " +
                          $"({string.Join(' ', Zep.Store.GetBatches().GroupBy(b => b.Status).Select(g => $"{g.Key}:{g.Count()}"))}); checker: {check}");
        foreach (var user in report.UserLines.Where(u => u.Error is not null)) _output.WriteLine($"user {user.User} {user.Status}: {user.Error}");
        Assert.True(check.Lost.Count == 0 && check.Duplicated.Count == 0 && check.Unexpected.Count == 0, check.ToString());
        Assert.Equal(RunStatus.Completed, report.Status);
        Assert.Equal(Expected.Users.Count(), report.Users.Total);
        Assert.Equal(report.Users.Total, report.Users.Verified);
        Assert.Equal(Expected.Memories.Count + Expected.Messages.Count, report.Items.Migrated);
        Assert.Equal(0, report.Items.Failed);
        _output.WriteLine("faulted: " + await DescribeFaultsAsync(_rabbitUri));
        return report;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in Workers) await worker.DisposeAsync();
        await Launcher.DisposeAsync();
        await Zep.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
