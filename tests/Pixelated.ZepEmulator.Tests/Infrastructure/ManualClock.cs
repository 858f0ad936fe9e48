namespace Pixelated.ZepEmulator.Tests.Infrastructure;

/// <summary>A clock the test sets by hand, so rate-limit windows and default timestamps are deterministic.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = now;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }
}
