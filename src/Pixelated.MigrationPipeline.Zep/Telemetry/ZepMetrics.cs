using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pixelated.MigrationPipeline.Zep.Telemetry;

/// <summary>
/// The Zep client's instruments, on the pipeline's meter (<see cref="MeterName"/>). Labels are route templates, methods
/// and status codes only: never a path, an id or content. In Prometheus: <c>pixelated_zep_request_duration_seconds</c>
/// {route, method, status}, <c>pixelated_zep_rate_limited_total</c>{route}, <c>pixelated_zep_rate_budget_wait_seconds</c>
/// and <c>pixelated_zep_circuit_open</c> (1 while the circuit breaker refuses calls).
/// </summary>
public sealed class ZepMetrics
{
    /// <summary>The meter every instrument of the pipeline is on (Zep client, migration, ledger gauges).</summary>
    public const string MeterName = "Pixelated.MigrationPipeline";

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _rateLimited;
    private readonly Histogram<double> _budgetWait;
    private int _circuitOpen;

    public ZepMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _duration = meter.CreateHistogram<double>("pixelated.zep.request.duration", unit: "s", description:
            "Duration of one HTTP attempt to Zep (retries count each), by route template, method and status",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _rateLimited = meter.CreateCounter<long>("pixelated.zep.rate_limited", unit: "{response}", description: "Zep answers 429 Too Many Requests, by route template");
        _budgetWait = meter.CreateHistogram<double>("pixelated.zep.rate_budget.wait", unit: "s", description:
            "Time a request waited for the shared rate budget (a permit, or Zep's Retry-After / reset) before it was sent; only waits are recorded",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60] });
        meter.CreateObservableGauge("pixelated.zep.circuit.open", () => Volatile.Read(ref _circuitOpen), unit: "1", description:
            "1 while the Zep circuit breaker is open or half-open (calls refused), else 0");
    }

    public bool CircuitOpen => Volatile.Read(ref _circuitOpen) == 1;

    public void RecordRequest(HttpRequestMessage request, int? status, TimeSpan elapsed)
    {
        var route = ZepRoutes.TemplateOf(request.RequestUri);
        var tags = new TagList
        {
            { "route", route },
            { "method", request.Method.Method },
            { "status", status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none" },
        };
        _duration.Record(elapsed.TotalSeconds, tags);
        if (status == 429) _rateLimited.Add(1, new KeyValuePair<string, object?>("route", route));
    }

    public void RecordBudgetWait(TimeSpan waited)
    {
        if (waited > TimeSpan.FromMilliseconds(1)) _budgetWait.Record(waited.TotalSeconds);
    }

    public void CircuitOpened() => Volatile.Write(ref _circuitOpen, 1);
    public void CircuitClosed() => Volatile.Write(ref _circuitOpen, 0);
}
