using System.Diagnostics;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// Time one request spent waiting on one dependency: the union of its calls' intervals (two calls in flight at once count
/// once), and how many calls it made. Every <see cref="Enter"/> is paired with one <see cref="Exit"/>.
/// </summary>
public sealed class MemoryTimeSpent
{
    private readonly Lock _gate = new();
    private int _inFlight;
    private long _since;
    private long _ticks;
    private int _calls;

    public int Calls
    {
        get { lock (_gate) return _calls; }
    }

    public double Milliseconds
    {
        get { lock (_gate) return Stopwatch.GetElapsedTime(0, _ticks).TotalMilliseconds; }
    }

    public void Enter()
    {
        lock (_gate)
        {
            _calls++;
            if (_inFlight++ == 0) _since = Stopwatch.GetTimestamp();
        }
    }

    public void Exit()
    {
        lock (_gate)
        {
            if (_inFlight > 0 && --_inFlight == 0) _ticks += Stopwatch.GetTimestamp() - _since;
        }
    }
}
