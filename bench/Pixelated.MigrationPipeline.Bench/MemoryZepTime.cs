using System.Diagnostics;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// The time one incoming request of the memory service spends waiting for Zep: the union of its Zep exchanges (two calls
/// in flight at once count once), and how many exchanges it made. <see cref="Begin"/> puts a fresh accumulator in an
/// <see cref="AsyncLocal{T}"/> at the start of the request, so the Zep client's handler, running in the same async flow,
/// finds it through <see cref="Current"/>.
/// </summary>
public sealed class MemoryZepTime
{
    private static readonly AsyncLocal<MemoryZepTime?> Slot = new();
    private readonly Lock _gate = new();
    private int _inFlight;
    private long _since;
    private long _ticks;
    private int _calls;

    public static MemoryZepTime? Current => Slot.Value;

    /// <summary>A new accumulator for the request now running (and everything it awaits).</summary>
    public static MemoryZepTime Begin() => Slot.Value = new MemoryZepTime();

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
            if (--_inFlight == 0) _ticks += Stopwatch.GetTimestamp() - _since;
        }
    }
}
