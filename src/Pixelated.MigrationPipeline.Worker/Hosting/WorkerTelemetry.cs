using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using Pixelated.MigrationPipeline.Components.Hosting;
using Pixelated.MigrationPipeline.Components.Telemetry;

namespace Pixelated.MigrationPipeline.Worker.Hosting;

/// <summary>
/// The worker's telemetry: the pipeline's (<see cref="TelemetryServiceCollectionExtensions.AddPipelineTelemetry"/>) and a
/// Prometheus scrape endpoint on OpenTelemetry's small HttpListener at
/// <c>http://{Telemetry:PrometheusHost}:{Telemetry:PrometheusPort}/metrics</c> (default <c>localhost:9464</c>).
/// </summary>
public static class WorkerTelemetry
{
    public const string ServiceName = "pixelated-migration-worker";

    public static IServiceCollection AddWorkerTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPipelineTelemetry(configuration, ServiceName, metrics: m => m.AddPrometheusHttpListener());
        services.AddOptions<PrometheusHttpListenerOptions>().Configure<IOptions<TelemetryOptions>>((listener, telemetry) =>
        {
            listener.Host = telemetry.Value.PrometheusHost;
            listener.Port = telemetry.Value.PrometheusPort;
        });
        return services;
    }
}
