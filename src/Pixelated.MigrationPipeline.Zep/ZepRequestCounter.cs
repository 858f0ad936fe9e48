namespace Pixelated.MigrationPipeline.Zep;

/// <summary>
/// Counts the HTTP requests sent to Zep inside a scope (a consumer's unit of work), so each run knows what it cost.
/// Every attempt counts, retries included.
/// </summary>
public sealed class ZepRequestCounter
{
    private static readonly AsyncLocal<Scope?> Current = new();
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    /// <summary>The scope of the unit of work running here, if any.</summary>
    public Scope? CurrentScope => Current.Value;

    public Scope BeginScope()
    {
        var scope = new Scope();
        Current.Value = scope;
        return scope;
    }

    internal void Increment()
    {
        Interlocked.Increment(ref _total);
        if (Current.Value is { } scope) Interlocked.Increment(ref scope.CountField);
    }

    /// <summary>Adds requests counted elsewhere (work shared by several scopes, e.g. a shared batch) to the current scope.</summary>
    public void Attribute(long requests)
    {
        if (requests > 0 && Current.Value is { } scope) Interlocked.Add(ref scope.CountField, requests);
    }

    public sealed class Scope : IDisposable
    {
        internal long CountField;
        private long _recorded;

        public long Count => Interlocked.Read(ref CountField);

        /// <summary>Counted and not yet recorded anywhere (see <see cref="MarkRecorded"/>).</summary>
        public long Unrecorded => Count - Interlocked.Read(ref _recorded);

        /// <summary>These many of the scope's requests have been recorded (e.g. added to the run in a committed transaction).</summary>
        public void MarkRecorded(long requests) => Interlocked.Add(ref _recorded, requests);

        public void Dispose() { if (Current.Value == this) Current.Value = null; }
    }
}

/// <summary>The handler that feeds <see cref="ZepRequestCounter"/>; it sits inside the resilience handler so retries count.</summary>
public sealed class ZepRequestCountingHandler(ZepRequestCounter counter) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        counter.Increment();
        return base.SendAsync(request, cancellationToken);
    }
}
