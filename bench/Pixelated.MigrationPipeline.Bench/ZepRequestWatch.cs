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
    private (long Served, long TooMany)? _atOneMinute;

    public ZepRequestWatch(ZepEmulatorHost zep)
    {
        _zep = zep;
        _start = Read();
        _firstMinute = new Timer(_ => _atOneMinute = Read(), null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);
    }

    public sealed record Figures(long Served, long TooManyRequests, long TooManyRequestsAfterFirstMinute, double Seconds, double ServedPerMinute);

    public Figures Stop()
    {
        var seconds = _watch.Elapsed.TotalSeconds;
        _firstMinute.Dispose();
        var end = Read();
        var served = end.Served - _start.Served;
        var afterFirstMinute = _atOneMinute is { } m ? end.TooMany - m.TooMany : 0;
        return new Figures(served, end.TooMany - _start.TooMany, afterFirstMinute, seconds, Math.Round(served / (seconds / 60), 0));
    }

    private (long Served, long TooMany) Read()
    {
        var requests = _zep.Store.GetStats().Requests;
        var tooMany = requests.GetValueOrDefault("429");
        return (requests.Values.Sum() - tooMany, tooMany);
    }

    public void Dispose() => _firstMinute.Dispose();
}
