using System.Diagnostics;

namespace Pixelated.MigrationPipeline.Zep.Telemetry;

/// <summary>Times each attempt sent to Zep (innermost handler, so every retry is one measurement) for <see cref="ZepMetrics"/>.</summary>
public sealed class ZepMetricsHandler(ZepMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        int? status = null;
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
            return response;
        }
        finally
        {
            metrics.RecordRequest(request, status, Stopwatch.GetElapsedTime(started));
        }
    }
}
