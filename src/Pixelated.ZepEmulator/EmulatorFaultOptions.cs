namespace Pixelated.ZepEmulator;

/// <summary>
/// Fault injection for write requests (POST/PUT/PATCH/DELETE endpoints of /api/v2, read-style POSTs excluded),
/// bound from <c>Emulator:Faults</c>. Every rate is a probability between 0 and 1, drawn independently per
/// write request in the order 429 → error before write → error after write → timeout after write; the first hit wins.
/// The instance the emulator runs with (<see cref="ZepEmulatorHost.Faults"/>) is live: every property is
/// thread-safe to change while requests are served. Property setters do not validate (values outside 0..1 act as
/// 0 or 1); <see cref="ZepEmulatorHost.SetFaults"/>, <c>PUT /_emulator/faults</c> and the start-up validation do.
/// </summary>
public sealed class EmulatorFaultOptions
{
    public const string SectionName = "Faults";
    public const int DefaultTooManyRequestsRetryAfterSeconds = 1;
    public const int DefaultTimeoutHoldSeconds = 120;

    private readonly Lock _gate = new();
    private double _errorBeforeWriteRate;
    private double _errorAfterWriteRate;
    private double _timeoutAfterWriteRate;
    private double _tooManyRequestsRate;
    private int _tooManyRequestsRetryAfterSeconds = DefaultTooManyRequestsRetryAfterSeconds;
    private int _timeoutHoldSeconds = DefaultTimeoutHoldSeconds;
    private int? _seed;
    private long _seedVersion;

    /// <summary>Answer 500 <c>{"message":"internal server error"}</c> without performing the write.</summary>
    public double ErrorBeforeWriteRate
    {
        get { lock (_gate) { return _errorBeforeWriteRate; } }
        set { lock (_gate) { _errorBeforeWriteRate = value; } }
    }

    /// <summary>Perform the write, discard its answer and answer 500 (only when the write itself succeeded, 2xx).</summary>
    public double ErrorAfterWriteRate
    {
        get { lock (_gate) { return _errorAfterWriteRate; } }
        set { lock (_gate) { _errorAfterWriteRate = value; } }
    }

    /// <summary>
    /// Perform the write, then never answer: hold the request until the client gives up (or
    /// <see cref="TimeoutHoldSeconds"/> pass, then 504). Only when the write itself succeeded (2xx).
    /// </summary>
    public double TimeoutAfterWriteRate
    {
        get { lock (_gate) { return _timeoutAfterWriteRate; } }
        set { lock (_gate) { _timeoutAfterWriteRate = value; } }
    }

    /// <summary>Answer 429 <c>{"message":"rate limit exceeded"}</c> with <c>Retry-After</c>, without performing the write.</summary>
    public double TooManyRequestsRate
    {
        get { lock (_gate) { return _tooManyRequestsRate; } }
        set { lock (_gate) { _tooManyRequestsRate = value; } }
    }

    /// <summary>The <c>Retry-After</c> value (seconds) of injected 429s; default 1.</summary>
    public int TooManyRequestsRetryAfterSeconds
    {
        get { lock (_gate) { return _tooManyRequestsRetryAfterSeconds; } }
        set { lock (_gate) { _tooManyRequestsRetryAfterSeconds = value; } }
    }

    /// <summary>Safety cap of a timeout fault: after this many seconds a still-waiting client gets 504; default 120.</summary>
    public int TimeoutHoldSeconds
    {
        get { lock (_gate) { return _timeoutHoldSeconds; } }
        set { lock (_gate) { _timeoutHoldSeconds = value; } }
    }

    /// <summary>
    /// Seed of the fault dice, for deterministic fault sequences; null = random. Setting it (or calling
    /// <see cref="CopyFrom"/>) restarts the sequence.
    /// </summary>
    public int? Seed
    {
        get { lock (_gate) { return _seed; } }
        set
        {
            lock (_gate)
            {
                _seed = value;
                _seedVersion++;
            }
        }
    }

    /// <summary>Replaces every setting with those of <paramref name="other"/> in one step (restarts the seeded sequence).</summary>
    public void CopyFrom(EmulatorFaultOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var s = other.Snapshot();
        lock (_gate)
        {
            _errorBeforeWriteRate = s.ErrorBeforeWriteRate;
            _errorAfterWriteRate = s.ErrorAfterWriteRate;
            _timeoutAfterWriteRate = s.TimeoutAfterWriteRate;
            _tooManyRequestsRate = s.TooManyRequestsRate;
            _tooManyRequestsRetryAfterSeconds = s.TooManyRequestsRetryAfterSeconds;
            _timeoutHoldSeconds = s.TimeoutHoldSeconds;
            _seed = s.Seed;
            _seedVersion++;
        }
    }

    public EmulatorFaultOptions Clone()
    {
        var copy = new EmulatorFaultOptions();
        copy.CopyFrom(this);
        return copy;
    }

    /// <summary>The problems of these settings (empty when valid); <paramref name="prefix"/> names the section.</summary>
    public IReadOnlyList<string> Validate(string prefix = "Emulator:Faults:")
    {
        var s = Snapshot();
        var failures = new List<string>();
        CheckRate(nameof(ErrorBeforeWriteRate), s.ErrorBeforeWriteRate);
        CheckRate(nameof(ErrorAfterWriteRate), s.ErrorAfterWriteRate);
        CheckRate(nameof(TimeoutAfterWriteRate), s.TimeoutAfterWriteRate);
        CheckRate(nameof(TooManyRequestsRate), s.TooManyRequestsRate);
        if (s.TooManyRequestsRetryAfterSeconds < 0)
        {
            failures.Add($"{prefix}{nameof(TooManyRequestsRetryAfterSeconds)} must not be negative.");
        }

        if (s.TimeoutHoldSeconds < 1)
        {
            failures.Add($"{prefix}{nameof(TimeoutHoldSeconds)} must be at least 1.");
        }

        return failures;

        void CheckRate(string name, double value)
        {
            if (!(value >= 0 && value <= 1))
            {
                failures.Add($"{prefix}{name} must be between 0 and 1.");
            }
        }
    }

    internal FaultSettings Snapshot()
    {
        lock (_gate)
        {
            return new FaultSettings(
                _errorBeforeWriteRate,
                _errorAfterWriteRate,
                _timeoutAfterWriteRate,
                _tooManyRequestsRate,
                _tooManyRequestsRetryAfterSeconds,
                _timeoutHoldSeconds,
                _seed,
                _seedVersion);
        }
    }
}

/// <summary>A consistent copy of <see cref="EmulatorFaultOptions"/> taken under its lock.</summary>
internal readonly record struct FaultSettings(
    double ErrorBeforeWriteRate,
    double ErrorAfterWriteRate,
    double TimeoutAfterWriteRate,
    double TooManyRequestsRate,
    int TooManyRequestsRetryAfterSeconds,
    int TimeoutHoldSeconds,
    int? Seed,
    long SeedVersion);

/// <summary>The names under which injected faults are counted in <see cref="EmulatorStats.Faults"/>.</summary>
public static class EmulatorFaultKinds
{
    public const string ErrorBeforeWrite = "error_before_write";
    public const string ErrorAfterWrite = "error_after_write";
    public const string TimeoutAfterWrite = "timeout_after_write";
    public const string TooManyRequests = "too_many_requests";

    public static IReadOnlyList<string> All { get; } = [ErrorBeforeWrite, ErrorAfterWrite, TimeoutAfterWrite, TooManyRequests];
}
