using System.Diagnostics;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// What the emulator answered during one measured phase: requests served, 429s in all and after the first minute
/// (the emulator's counters are read when the phase starts, at 60 s, and when it ends).
/// </summary>
public sealed class ZepRequestWatch : IDisposable
{
    private readonly ZepEmulatorHost _zep;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Timer _firstMinute;
    private readonly (long Served, long TooMany) _start;
    private readonly IReadOnlyDictionary<string, long> _routesAtStart;
    private (long Served, long TooMany)? _atOneMinute;

    public ZepRequestWatch(ZepEmulatorHost zep)
    {
        _zep = zep;
        _start = Read();
        _routesAtStart = zep.Store.GetStats().RequestsByRoute;
        _firstMinute = new Timer(_ => _atOneMinute = Read(), null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);
    }

    /// <param name="ByRoute">Requests answered in the phase by method and route (all statuses), most first.</param>
    public sealed record Figures(long Served, long TooManyRequests, long TooManyRequestsAfterFirstMinute, double Seconds, double ServedPerMinute,
        IReadOnlyDictionary<string, long> ByRoute);

    public Figures Stop()
    {
        var seconds = _watch.Elapsed.TotalSeconds;
        _firstMinute.Dispose();
        var end = Read();
        var served = end.Served - _start.Served;
        var afterFirstMinute = _atOneMinute is { } m ? end.TooMany - m.TooMany : 0;
        var byRoute = _zep.Store.GetStats().RequestsByRoute
            .Select(kv => (kv.Key, Count: kv.Value - _routesAtStart.GetValueOrDefault(kv.Key)))
            .Where(r => r.Count > 0)
            .OrderByDescending(r => r.Count)
            .ToDictionary(r => r.Key, r => r.Count, StringComparer.Ordinal);
        return new Figures(served, end.TooMany - _start.TooMany, afterFirstMinute, seconds, Math.Round(served / (seconds / 60), 0), byRoute);
    }

    private (long Served, long TooMany) Read()
    {
        var requests = _zep.Store.GetStats().Requests;
        var tooMany = requests.GetValueOrDefault("429");
        return (requests.Values.Sum() - tooMany, tooMany);
    }

    public void Dispose() => _firstMinute.Dispose();
}
