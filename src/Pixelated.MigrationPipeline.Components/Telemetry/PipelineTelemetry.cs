using System.Diagnostics;
using Pixelated.MigrationPipeline.Zep.Telemetry;

namespace Pixelated.MigrationPipeline.Components.Telemetry;

/// <summary>
/// The names the pipeline's own telemetry goes under: one meter for every instrument (Zep client, items, ingest, ledger
/// and queue gauges) and one activity source for the spans MassTransit and the instrumentation do not make (the CLI's run).
/// Spans carry run ids, counts and route templates only: never a user id, name, e-mail or content.
/// </summary>
public static class PipelineTelemetry
{
    public const string MeterName = ZepMetrics.MeterName;
    public const string ActivitySourceName = "Pixelated.MigrationPipeline";

    /// <summary>The span attribute that names a run (a run id is no personal data).</summary>
    public const string RunIdTag = "pixelated.run_id";

    public static readonly ActivitySource Source = new(ActivitySourceName);
}
