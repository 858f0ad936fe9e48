using System.Collections.Concurrent;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// Samples of the memory benchmark by operation: client-side latency and status (from the load generator), server time,
/// Zep time and calls, database time and round trips (from inside the service). Overhead per request = server time − Zep
/// time; of it, the database's share is measured and the rest (authentication, JSON, EF Core, thread pool queueing) is not split. <see cref="Enabled"/>
/// off during set-up and warm-up, so only the measured phase is recorded.
/// </summary>
public sealed class MemoryLatencyRecorder
{
    private readonly ConcurrentDictionary<string, Samples> _byOperation = new(StringComparer.Ordinal);

    public volatile bool Enabled;

    public void RecordClient(string operation, double milliseconds, int status)
    {
        if (!Enabled) return;
        var samples = _byOperation.GetOrAdd(operation, _ => new Samples());
        lock (samples)
        {
            samples.Client.Add(milliseconds);
            samples.Statuses[status] = samples.Statuses.GetValueOrDefault(status) + 1;
        }
    }

    public void RecordServer(string operation, double serverMilliseconds, MemoryRequestTime spent)
    {
        var zepMilliseconds = spent.Zep.Milliseconds;
        var databaseMilliseconds = spent.Database.Milliseconds;
        if (!Enabled) return;
        var samples = _byOperation.GetOrAdd(operation, _ => new Samples());
        lock (samples)
        {
            samples.Server.Add(serverMilliseconds);
            samples.Zep.Add(zepMilliseconds);
            samples.Overhead.Add(Math.Max(0, serverMilliseconds - zepMilliseconds));
            samples.Database.Add(databaseMilliseconds);
            samples.Rest.Add(Math.Max(0, serverMilliseconds - zepMilliseconds - databaseMilliseconds));
            samples.ZepCalls += spent.Zep.Calls;
            samples.DatabaseCalls += spent.Database.Calls;
        }
    }

    /// <summary>One row per operation (most requests first) and the row of all operations together.</summary>
    public (IReadOnlyList<MemoryRouteFigures> Routes, MemoryRouteFigures Overall) Figures(double seconds)
    {
        var all = new Samples();
        var routes = new List<MemoryRouteFigures>();
        foreach (var (operation, samples) in _byOperation)
        {
            lock (samples)
            {
                routes.Add(MemoryRouteFigures.Of(operation, samples, seconds));
                all.Client.AddRange(samples.Client);
                all.Server.AddRange(samples.Server);
                all.Zep.AddRange(samples.Zep);
                all.Overhead.AddRange(samples.Overhead);
                all.Database.AddRange(samples.Database);
                all.Rest.AddRange(samples.Rest);
                all.ZepCalls += samples.ZepCalls;
                all.DatabaseCalls += samples.DatabaseCalls;
                foreach (var (status, count) in samples.Statuses) all.Statuses[status] = all.Statuses.GetValueOrDefault(status) + count;
            }
        }
        return (routes.OrderByDescending(r => r.Count).ToList(), MemoryRouteFigures.Of("all", all, seconds));
    }

    /// <summary>The raw samples of one operation (guarded by locking the instance).</summary>
    public sealed class Samples
    {
        public List<double> Client { get; } = [];
        public List<double> Server { get; } = [];
        public List<double> Zep { get; } = [];
        public List<double> Overhead { get; } = [];
        public List<double> Database { get; } = [];
        public List<double> Rest { get; } = [];
        public SortedDictionary<int, long> Statuses { get; } = [];
        public long ZepCalls { get; set; }
        public long DatabaseCalls { get; set; }
    }
}
