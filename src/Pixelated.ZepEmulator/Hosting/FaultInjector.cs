namespace Pixelated.ZepEmulator.Hosting;

internal enum FaultKind
{
    None,
    TooManyRequests,
    ErrorBeforeWrite,
    ErrorAfterWrite,
    TimeoutAfterWrite,
}

internal readonly record struct FaultDecision(FaultKind Kind, int RetryAfterSeconds, int HoldSeconds);

/// <summary>
/// Rolls the fault dice for one write request against the live <see cref="EmulatorFaultOptions"/>.
/// One independent draw per non-zero rate, in the order 429 → error before → error after → timeout after;
/// the first hit wins. With a <see cref="EmulatorFaultOptions.Seed"/> the sequence of decisions is reproducible
/// (for requests made one after another); setting the seed again restarts it.
/// </summary>
internal sealed class FaultInjector(EmulatorFaultOptions faults)
{
    private readonly Lock _gate = new();
    private Random _random = new();
    private long _seedVersion = -1;

    public EmulatorFaultOptions Faults => faults;

    public FaultDecision Decide()
    {
        var s = faults.Snapshot();
        if (s.TooManyRequestsRate <= 0 && s.ErrorBeforeWriteRate <= 0 && s.ErrorAfterWriteRate <= 0 && s.TimeoutAfterWriteRate <= 0)
        {
            return new FaultDecision(FaultKind.None, 0, 0);
        }

        FaultKind kind;
        lock (_gate)
        {
            if (s.SeedVersion != _seedVersion)
            {
                _random = s.Seed is { } seed ? new Random(seed) : new Random();
                _seedVersion = s.SeedVersion;
            }

            kind = Hit(s.TooManyRequestsRate) ? FaultKind.TooManyRequests
                : Hit(s.ErrorBeforeWriteRate) ? FaultKind.ErrorBeforeWrite
                : Hit(s.ErrorAfterWriteRate) ? FaultKind.ErrorAfterWrite
                : Hit(s.TimeoutAfterWriteRate) ? FaultKind.TimeoutAfterWrite
                : FaultKind.None;
        }

        return new FaultDecision(kind, Math.Max(0, s.TooManyRequestsRetryAfterSeconds), Math.Max(1, s.TimeoutHoldSeconds));
    }

    // Called under _gate. NextDouble() is in [0, 1): a rate of 1 always hits, 0 never.
    private bool Hit(double rate) => rate > 0 && _random.NextDouble() < rate;
}
