using System.Diagnostics;
using System.Text.Json;

namespace Pixelated.MigrationPipeline.TestInfrastructure;

/// <summary>
/// Three throwaway RabbitMQ nodes on this machine, clustered: each a <see cref="LocalRabbitMq"/> with its own node name
/// (<c>pixit-PID-RANDOM-a@localhost</c>, <c>-b</c>, <c>-c</c>), AMQP and distribution ports and data directory, all sharing
/// one HOME and so one Erlang cookie. The nodes start side by side; then <c>b</c> and <c>c</c> join <c>a</c>
/// (<c>rabbitmqctl stop_app</c>, <c>join_cluster</c>, <c>start_app</c>). Everything lives in a <see cref="TempRoot"/> of the
/// cluster's own, deleted on dispose (or by its watchdog if the test host dies first).
/// </summary>
public sealed class LocalRabbitMqCluster : IAsyncDisposable
{
    /// <summary>
    /// The whole start (three nodes up and clustered); beyond it the start fails and says where it stood. A quiet machine
    /// needs well under a minute; on 2 cores shared with other builds it took 33 to 109 s (each rabbitmqctl call starts an
    /// Erlang VM of its own).
    /// </summary>
    private static readonly TimeSpan StartBudget = TimeSpan.FromMinutes(3);

    private static readonly string[] Letters = ["a", "b", "c"];

    private readonly TempRoot _root;
    private readonly Action<string> _log;

    private LocalRabbitMqCluster(TempRoot root, IReadOnlyList<LocalRabbitMq> nodes, Action<string> log)
    {
        _root = root;
        Nodes = nodes;
        _log = log;
    }

    /// <summary>Pid files of the cluster's nodes, relative to its temp root (for <see cref="TempRoot"/>'s watchdog).</summary>
    internal static IEnumerable<string> PidFiles => Letters.Select(l => $"rabbitmq-cluster/{l}/rabbitmq.pid");

    public IReadOnlyList<LocalRabbitMq> Nodes { get; }

    /// <summary>The AMQP URI of the first node (guest/guest); the credentials and virtual host of every node.</summary>
    public string Uri => Nodes[0].Uri;

    /// <summary><c>127.0.0.1:PORT</c> of every node, in order: the value of <c>RabbitMq:ClusterNodes</c>.</summary>
    public IReadOnlyList<string> Endpoints => Nodes.Select(n => n.Endpoint).ToList();

    /// <summary>The AMQP URI of a node that is running (for a test's own connection while another node is down).</summary>
    public string RunningNodeUri => (Nodes.FirstOrDefault(n => n.IsRunning) ?? throw new InvalidOperationException("no node of the cluster is running")).Uri;

    public string Description => $"local RabbitMQ cluster {string.Join(", ", Nodes.Select(n => $"{n.NodeName} on {n.Endpoint}"))} (dir {_root.Path})";

    public static async Task<LocalRabbitMqCluster> StartNewAsync(string binDir, Action<string> log)
    {
        var started = Stopwatch.StartNew();
        var root = TempRoot.Create(log);
        var dir = root.CreateSubdirectory("rabbitmq-cluster");
        var home = Path.Combine(dir, "home");
        WriteCookie(home);
        var prefix = $"pixit-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        var nodes = Letters
            .Select(l => LocalRabbitMq.ClusterNode(binDir, Directory.CreateDirectory(Path.Combine(dir, l)).FullName, $"{prefix}-{l}@localhost", home, log))
            .ToList();
        var cluster = new LocalRabbitMqCluster(root, nodes, log);
        var stage = "starting the nodes";
        try
        {
            using var budget = new CancellationTokenSource(StartBudget);
            await Task.WhenAll(nodes.Select(n => n.StartAsync())).WaitAsync(budget.Token);
            foreach (var node in nodes.Skip(1))
            {
                stage = $"joining {node.NodeName} to {nodes[0].NodeName}";
                (await node.CtlAsync("stop_app").WaitAsync(budget.Token)).EnsureSuccess($"rabbitmqctl -n {node.NodeName} stop_app");
                (await node.CtlAsync("join_cluster", nodes[0].NodeName).WaitAsync(budget.Token)).EnsureSuccess($"rabbitmqctl -n {node.NodeName} join_cluster");
                // start_app returns once the node's applications (and its AMQP listener) are up again.
                (await node.CtlAsync("start_app").WaitAsync(budget.Token)).EnsureSuccess($"rabbitmqctl -n {node.NodeName} start_app");
            }

            stage = "checking the cluster's members";
            await cluster.WaitUntilAllRunningAsync(budget.Token);
            log($"RabbitMQ cluster of {nodes.Count} nodes ready after {started.ElapsedMilliseconds} ms: {cluster.Description}");
            return cluster;
        }
        catch (Exception ex)
        {
            await cluster.DisposeAsync();
            var why = ex is OperationCanceledException ? $"not done within {StartBudget.TotalSeconds} s" : ex.Message;
            throw new InvalidOperationException($"The local RabbitMQ cluster did not form ({stage}, after {started.ElapsedMilliseconds} ms): {why}", ex);
        }
    }

    /// <summary>The nodes the cluster reports running, as <c>rabbitmqctl cluster_status</c> on a running node says.</summary>
    public async Task<IReadOnlyList<string>> RunningNodesAsync()
    {
        var node = Nodes.First(n => n.IsRunning);
        var result = (await node.CtlAsync("cluster_status", "--formatter", "json")).EnsureSuccess("rabbitmqctl cluster_status");
        using var json = JsonDocument.Parse(result.StdOut);
        return json.RootElement.GetProperty("running_nodes").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    /// <summary>Waits until every node of the cluster runs and the cluster lists them all running (e.g. after a restart).</summary>
    public async Task WaitUntilAllRunningAsync(CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var running = await RunningNodesAsync();
            if (Nodes.All(n => running.Contains(n.NodeName))) return;
            await Task.Delay(250, ct);
        }
    }

    /// <summary>A quorum queue's leader and members (node names), asked of a running node; null when the queue does not exist.</summary>
    public async Task<(string Leader, IReadOnlyList<string> Members, IReadOnlyList<string> Online)?> QuorumQueueAsync(string queue)
    {
        var node = Nodes.First(n => n.IsRunning);
        var result = (await node.CtlAsync("list_queues", "name", "type", "leader", "members", "online", "--formatter", "json"))
            .EnsureSuccess("rabbitmqctl list_queues");
        using var json = JsonDocument.Parse(result.StdOut);
        foreach (var row in json.RootElement.EnumerateArray())
        {
            if (row.GetProperty("name").GetString() != queue) continue;
            static IReadOnlyList<string> Names(JsonElement e) =>
                e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(n => n.GetString()!).ToList() : [];
            return (row.GetProperty("leader").GetString() ?? "", Names(row.GetProperty("members")), Names(row.GetProperty("online")));
        }

        return null;
    }

    /// <summary>The node called <paramref name="nodeName"/> (as RabbitMQ names it, <c>pixit-...-a@localhost</c>).</summary>
    public LocalRabbitMq Node(string nodeName) =>
        Nodes.FirstOrDefault(n => n.NodeName == nodeName) ?? throw new InvalidOperationException($"{nodeName} is not a node of this cluster");

    public async ValueTask DisposeAsync()
    {
        var stopped = Stopwatch.StartNew();
        await Task.WhenAll(Nodes.Select(async n =>
        {
            try
            {
                await n.DisposeAsync();
            }
            catch (Exception ex)
            {
                _log($"error stopping {n.NodeName}: {ex.Message}");
            }
        }));
        _root.Dispose();
        _log($"RabbitMQ cluster stopped and removed in {stopped.ElapsedMilliseconds} ms");
    }

    /// <summary>One Erlang cookie for every node and rabbitmqctl: HOME/.erlang.cookie, readable by its owner only (Erlang insists).</summary>
    private static void WriteCookie(string home)
    {
        Directory.CreateDirectory(home);
        var cookie = Path.Combine(home, ".erlang.cookie");
        var letters = Enumerable.Range(0, 32).Select(_ => (char)('A' + System.Security.Cryptography.RandomNumberGenerator.GetInt32(26)));
        File.WriteAllText(cookie, string.Concat(letters));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
    }
}
