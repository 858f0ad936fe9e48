using System.ComponentModel.DataAnnotations;

namespace Pixelated.MigrationPipeline.Components.Telemetry;

/// <summary>
/// Bound from <c>Telemetry:</c> and validated at start. OTLP export is on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (OpenTelemetry's own variables, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> etc., apply as usual).
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>How often the ledger and queue gauges (users in flight, messages in <c>_error</c>/<c>_dlq</c>) are read.</summary>
    [Range(1, 3600)]
    public int GaugeIntervalSeconds { get; set; } = 15;

    /// <summary>The worker's Prometheus scrape port (<c>http://{PrometheusHost}:{port}/metrics</c>); the API serves <c>/metrics</c> on its own port.</summary>
    [Range(1, 65535)]
    public int PrometheusPort { get; set; } = 9464;

    /// <summary>The host the worker's listener binds: <c>localhost</c>, or <c>*</c> in a container that Prometheus scrapes from outside.</summary>
    [Required, RegularExpression(@"^(\*|\+|[A-Za-z0-9.\-]+)$", ErrorMessage = "Telemetry:PrometheusHost must be a host name, an address, '*' or '+'.")]
    public string PrometheusHost { get; set; } = "localhost";

    /// <summary>The OTLP endpoint when one is set (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), else null: no OTLP export.</summary>
    public string? OtlpEndpoint { get; set; }

    public bool ExportsOtlp => !string.IsNullOrWhiteSpace(OtlpEndpoint);
}
