using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.TestInfrastructure;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Chaos;

/// <summary>
/// The distributed pipeline on a three-node RabbitMQ cluster (<see cref="LocalRabbitMqCluster"/>): the pipeline's queues are
/// quorum queues, so each has a member on every node; the workers and the launcher know all three nodes
/// (<c>RabbitMq:ClusterNodes</c>, worker i starting from node i). The node leading <c>migrate-user</c> is killed with
/// <c>kill -9</c> mid-run and started again later: the run completes with nothing lost, duplicated or unexpected.
/// The test's own PostgreSQL is the fixture's; the cluster is the test's and is removed at its end.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed partial class When_a_rabbitmq_cluster_loses_a_node(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    private const string MigrateUser = "migrate-user";

    // Sequential mode and a Zep budget of 360 requests per minute shared by the workers (Zep:RequestsPerMinute): 40 users
    // take ~420 requests, so the run lasts over a minute however fast the machine is, longer than the node's loss and
    // restart. The kill lands once a tenth of the items are written, while migrate-user still holds users.
    [Fact]
    public async Task Killing_the_node_leading_migrate_user_mid_run_then_bringing_it_back_loses_and_duplicates_nothing()
    {
        var binDir = LocalRabbitMq.FindBinDir();
        if (binDir is null)
        {
            output.WriteLine("Not applicable: rabbitmq-server is not installed; the cluster is started from local binaries only.");
            return;
        }

        var clock = Stopwatch.StartNew();
        await using var cluster = await LocalRabbitMqCluster.StartNewAsync(binDir, Log);
        var workerEnvironment = ChaosScenario.WriteMode("sequential");
        workerEnvironment["Zep__RequestsPerMinute"] = "360";
        await using var scenario = await ChaosScenario.StartAsync(infrastructure, output, ChaosScenario.Emulator("sequential", 40), users: 40,
            workerEnvironment: workerEnvironment, rabbitMqUri: cluster.Uri, rabbitMqNodes: cluster.Endpoints);
        Log($"workers started; connections per node: {await ConnectionsPerNodeAsync(cluster)}");

        // The workers declared migrate-user once the cluster had formed: a member on every node.
        var queue = await cluster.QuorumQueueAsync(MigrateUser) ?? throw new InvalidOperationException("the workers declared no migrate-user queue");
        Log($"{MigrateUser}: leader {queue.Leader}, members {string.Join(", ", queue.Members)}");
        Assert.Equal(cluster.Nodes.Select(n => n.NodeName).Order(), queue.Members.Order());

        var runId = await scenario.StartRunAsync();
        var atKill = await WaitForProgressAsync(scenario, runId);
        var leader = cluster.Node((await cluster.QuorumQueueAsync(MigrateUser))!.Value.Leader);
        var queuesAtKill = await QueueDepthsAsync(cluster);
        var migrateUserAtKill = await MessagesAsync(cluster, MigrateUser);
        var connectionsAtKill = await ConnectionsPerNodeAsync(cluster);
        var pid = await leader.KillAsync();
        var killedAt = clock.Elapsed;
        Log($"kill -9 of {leader.NodeName} (beam.smp pid {pid}), leader of {MigrateUser}, at {atKill.Items.Migrated}/{atKill.Items.Total} items written; " +
            $"its AMQP connections were cut, their unacknowledged deliveries go back to the queues and are redelivered. " +
            $"At the kill: queues {queuesAtKill}; connections per node {connectionsAtKill}");

        // The two other members elect a new leader; the run goes on through them.
        var elected = await WaitForAsync(async () => await cluster.QuorumQueueAsync(MigrateUser) is { } q && q.Leader != leader.NodeName && q.Online.Contains(q.Leader),
            TimeSpan.FromSeconds(60), "no new migrate-user leader", scenario);
        var afterElection = (await cluster.QuorumQueueAsync(MigrateUser))!.Value;
        Log($"new {MigrateUser} leader {afterElection.Leader} {elected.TotalMilliseconds:F0} ms after the kill (online: {string.Join(", ", afterElection.Online)}); " +
            $"run at {Progress(await scenario.Launcher.ReportAsync(runId))}");
        Assert.False(atKill.IsFinished, "the run finished before the node was killed");
        Assert.True(migrateUserAtKill > 0, $"{MigrateUser} held no message when its leader was killed: the kill missed the migration");

        // Down for a few seconds of the run, then the same node (name, ports, data) starts again and rejoins.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await leader.StartAsync();
        using (var rejoin = new CancellationTokenSource(TimeSpan.FromSeconds(90))) await cluster.WaitUntilAllRunningAsync(rejoin.Token);
        await WaitForAsync(async () => await cluster.QuorumQueueAsync(MigrateUser) is { Online.Count: 3 },
            TimeSpan.FromSeconds(60), $"{leader.NodeName}'s migrate-user member did not come back online", scenario);
        var back = await scenario.Launcher.ReportAsync(runId);
        Log($"{leader.NodeName} back and its {MigrateUser} member online {(clock.Elapsed - killedAt).TotalSeconds:F1} s after the kill; " +
            $"run at {Progress(back)}; queues {await QueueDepthsAsync(cluster)}; connections per node {await ConnectionsPerNodeAsync(cluster)}");

        // The workers rode through the loss of their node (MassTransit reconnected them to another one): none exited.
        Assert.All(scenario.Workers, w => Assert.True(w.IsRunning && w.Starts == 1, $"{w.Name} exited during the node's loss:\n{w.Tail}"));
        var report = await scenario.FinishAndCheckAsync(runId, TimeSpan.FromMinutes(3));
        var faulted = await ChaosScenario.FaultedMessagesAsync(cluster.RunningNodeUri);
        Log($"run {report.Status} {clock.Elapsed.TotalSeconds:F0} s after the test started; faulted messages {faulted}; queues {await QueueDepthsAsync(cluster)}");
        Assert.Equal(0u, faulted);
    }

    private void Log(string message) => output.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.fff}] {message}");

    private static string Progress(Components.Runs.RunReport? report) =>
        report is null ? "?" : $"{report.Status}, {report.Items.Migrated}/{report.Items.Total} items written, {report.Users.Verified}/{report.Users.Total} users verified";

    /// <summary>Waits until a tenth of the run's items are written, so the kill lands mid-run.</summary>
    private static async Task<Components.Runs.RunReport> WaitForProgressAsync(ChaosScenario scenario, Guid runId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            var report = await scenario.Launcher.ReportAsync(runId);
            if (report is { Items.Total: > 0 } && report.Items.Migrated * 10 >= report.Items.Total) return report;
            await Task.Delay(100);
        }

        throw new TimeoutException($"the run made no visible progress to interrupt\n{scenario.Diagnostics()}");
    }

    private static async Task<TimeSpan> WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure, ChaosScenario scenario)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > timeout) throw new TimeoutException($"{failure} within {timeout.TotalSeconds} s\n{scenario.Diagnostics()}");
            await Task.Delay(200);
        }

        return waited.Elapsed;
    }

    /// <summary>Ready and unacknowledged messages of the pipeline's queues (<c>rabbitmqctl list_queues</c> on a running node).</summary>
    private static async Task<string> QueueDepthsAsync(LocalRabbitMqCluster cluster)
    {
        var result = await cluster.Nodes.First(n => n.IsRunning).CtlAsync("list_queues", "name", "messages_ready", "messages_unacknowledged", "--formatter", "json");
        if (!result.Succeeded) return $"(list_queues failed: {result.StdErr.Trim()})";
        using var json = JsonDocument.Parse(result.StdOut);
        return string.Join(", ", json.RootElement.EnumerateArray()
            .Where(q => q.GetProperty("name").GetString() is "ingest-export" or "migrate-user" or "validate-user")
            .Select(q => $"{q.GetProperty("name").GetString()} ready {q.GetProperty("messages_ready")} unacked {q.GetProperty("messages_unacknowledged")}"));
    }

    /// <summary>A queue's messages, ready and unacknowledged (delivered to a consumer, in flight).</summary>
    private static async Task<long> MessagesAsync(LocalRabbitMqCluster cluster, string queue)
    {
        var result = (await cluster.Nodes.First(n => n.IsRunning).CtlAsync("list_queues", "name", "messages", "--formatter", "json"))
            .EnsureSuccess("rabbitmqctl list_queues");
        using var json = JsonDocument.Parse(result.StdOut);
        return json.RootElement.EnumerateArray().Where(q => q.GetProperty("name").GetString() == queue).Sum(q => q.GetProperty("messages").GetInt64());
    }

    /// <summary>
    /// AMQP connections (the workers' and the launcher's) per node: a connection's name ends with the AMQP port it reached
    /// (<c>127.0.0.1:CLIENT -&gt; 127.0.0.1:PORT</c>), and every node has a port of its own.
    /// </summary>
    private static async Task<string> ConnectionsPerNodeAsync(LocalRabbitMqCluster cluster)
    {
        var result = await cluster.Nodes.First(n => n.IsRunning).CtlAsync("list_connections", "name", "--formatter", "json");
        if (!result.Succeeded) return $"(list_connections failed: {result.StdErr.Trim()})";
        using var json = JsonDocument.Parse(result.StdOut);
        var ports = json.RootElement.EnumerateArray()
            .Select(c => ServerPort().Match(c.GetProperty("name").GetString() ?? "") is { Success: true } m ? int.Parse(m.Groups["port"].Value) : 0)
            .ToList();
        return string.Join(", ", cluster.Nodes.Select(n => $"{n.NodeName.Split('@')[0][^1..]}:{ports.Count(p => p == n.Port)}"))
               + (ports.Any(p => cluster.Nodes.All(n => n.Port != p)) ? $", unknown:{ports.Count(p => cluster.Nodes.All(n => n.Port != p))}" : "");
    }

    [GeneratedRegex(@"-> .*:(?<port>\d+)$")]
    private static partial Regex ServerPort();
}
