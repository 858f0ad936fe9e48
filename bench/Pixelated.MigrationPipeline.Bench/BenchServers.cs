using Pixelated.MigrationPipeline.TestInfrastructure;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>A throwaway RabbitMQ node for the distributed benchmark (local binaries, as in the tests).</summary>
public sealed class BenchRabbitMq : IAsyncDisposable
{
    private readonly LocalRabbitMq _local;
    private readonly TempRoot _root;

    private BenchRabbitMq(LocalRabbitMq local, TempRoot root) => (_local, _root) = (local, root);

    public string Uri => _local.Uri;

    /// <summary>The node's name, found in its processes' command lines (to count their CPU time).</summary>
    public string NodeName => _local.NodeName;

    public static async Task<BenchRabbitMq> StartAsync()
    {
        var bin = LocalRabbitMq.FindBinDir() ?? throw new InvalidOperationException("rabbitmq-server not found: apt-get install rabbitmq-server");
        var root = TempRoot.Create(m => Console.Error.WriteLine($"[bench] {m}"));
        return new BenchRabbitMq(await LocalRabbitMq.StartNewAsync(bin, root, m => Console.Error.WriteLine($"[bench] {m}")), root);
    }

    public async ValueTask DisposeAsync()
    {
        await _local.DisposeAsync();
        _root.Dispose();
    }
}
