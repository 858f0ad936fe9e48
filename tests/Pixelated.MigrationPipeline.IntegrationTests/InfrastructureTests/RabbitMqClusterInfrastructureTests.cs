using Pixelated.MigrationPipeline.TestInfrastructure;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.InfrastructureTests;

/// <summary>The fault suite's three-node cluster (<see cref="LocalRabbitMqCluster"/>): it forms, replicates a quorum queue on every node, and takes a killed node back.</summary>
public sealed class RabbitMqClusterInfrastructureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_local_nodes_form_a_cluster_that_replicates_a_quorum_queue_and_takes_a_killed_node_back()
    {
        var binDir = LocalRabbitMq.FindBinDir();
        if (binDir is null)
        {
            output.WriteLine("Not applicable: rabbitmq-server is not installed (the cluster is started from local binaries only).");
            return;
        }

        await using var cluster = await LocalRabbitMqCluster.StartNewAsync(binDir, output.WriteLine);
        Assert.Equal(cluster.Nodes.Select(n => n.NodeName).Order(), (await cluster.RunningNodesAsync()).Order());

        // Declared through the last node: a quorum queue gets a member on every node of the cluster.
        var factory = new ConnectionFactory { Uri = new Uri(cluster.Nodes[^1].Uri) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync("it-cluster-quorum", durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        }
        var queue = await cluster.QuorumQueueAsync("it-cluster-quorum");
        output.WriteLine($"leader {queue?.Leader}, members {string.Join(", ", queue?.Members ?? [])}");
        Assert.NotNull(queue);
        Assert.Equal(cluster.Nodes.Select(n => n.NodeName).Order(), queue.Value.Members.Order());

        // kill -9 of the leader: another member leads; the killed node started again rejoins and its member comes back online.
        var leader = cluster.Node(queue.Value.Leader);
        var pid = await leader.KillAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var after = await cluster.QuorumQueueAsync("it-cluster-quorum");
        while ((after is null || after.Value.Leader == leader.NodeName || !after.Value.Online.Contains(after.Value.Leader)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            after = await cluster.QuorumQueueAsync("it-cluster-quorum");
        }
        output.WriteLine($"killed {leader.NodeName} (beam.smp {pid}); new leader {after?.Leader}, online {string.Join(", ", after?.Online ?? [])}");
        Assert.NotEqual(leader.NodeName, after?.Leader);

        await leader.StartAsync();
        using var rejoin = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await cluster.WaitUntilAllRunningAsync(rejoin.Token);
        var back = await cluster.QuorumQueueAsync("it-cluster-quorum");
        while (back?.Online.Count != 3 && !rejoin.IsCancellationRequested)
        {
            await Task.Delay(250);
            back = await cluster.QuorumQueueAsync("it-cluster-quorum");
        }
        output.WriteLine($"after restart: online {string.Join(", ", back?.Online ?? [])}");
        Assert.Equal(cluster.Nodes.Select(n => n.NodeName).Order(), back?.Online.Order());
    }
}
