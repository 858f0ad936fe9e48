using MassTransit;
using MassTransit.Logging;
using MassTransit.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Pixelated.MigrationPipeline.Components.Telemetry;
using Pixelated.MigrationPipeline.Zep.Telemetry;

namespace Pixelated.MigrationPipeline.Components.Hosting;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// OpenTelemetry for a pipeline host (<paramref name="serviceName"/>): metrics always (the pipeline's meter, MassTransit's,
    /// HttpClient's and Npgsql's), for the host's own exporter (<paramref name="metrics"/>: the API's <c>/metrics</c>, the
    /// worker's listener) and OTLP; traces (MassTransit's ActivitySource, which carries the context in message headers,
    /// HttpClient with Zep paths reduced to route templates, Npgsql, the pipeline's own source, plus <paramref name="tracing"/>)
    /// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set or <c>Telemetry:Traces=true</c>. OTLP export (traces, metrics, logs)
    /// when that variable is set. Also the gauges of the ledger and the dead-letter queues and their poller.
    /// </summary>
    public static OpenTelemetryBuilder AddPipelineTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName,
        Action<TracerProviderBuilder>? tracing = null, Action<MeterProviderBuilder>? metrics = null)
    {
        services.AddOptions<TelemetryOptions>()
            .Bind(configuration.GetSection(TelemetryOptions.Section))
            .Configure(o => o.OtlpEndpoint ??= configuration[TelemetryOptions.OtlpEndpointVariable])
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<PipelineGauges>();
        services.AddHostedService<GaugePoller>();

        var otlp = !string.IsNullOrWhiteSpace(configuration[TelemetryOptions.OtlpEndpointVariable]);
        var traces = configuration.GetValue<bool?>($"{TelemetryOptions.Section}:Traces") ?? otlp;
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m =>
            {
                m.AddMeter(PipelineTelemetry.MeterName, InstrumentationOptions.MeterName)
                    .AddHttpClientInstrumentation()
                    .AddNpgsqlInstrumentation();
                metrics?.Invoke(m);
            });
        if (traces)
        {
            builder.WithTracing(t =>
            {
                t.AddSource(PipelineTelemetry.ActivitySourceName, DiagnosticHeaders.DefaultListenerName)
                    .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = ZepHttpTraces.Redact)
                    .AddNpgsql();
                tracing?.Invoke(t);
            });
        }
        if (otlp) builder.UseOtlpExporter();
        return builder;
    }
}
