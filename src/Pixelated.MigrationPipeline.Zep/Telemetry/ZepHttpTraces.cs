using System.Diagnostics;

namespace Pixelated.MigrationPipeline.Zep.Telemetry;

/// <summary>
/// What an HTTP client span may say about a request: its URL with the path replaced by the Zep route template and no
/// query (OpenTelemetry's HttpClient instrumentation records the full URL, whose path holds user ids). Used as the
/// instrumentation's <c>EnrichWithHttpRequestMessage</c>, which runs after it set <c>url.full</c>.
/// </summary>
public static class ZepHttpTraces
{
    public static void Redact(Activity activity, HttpRequestMessage request)
    {
        var uri = request.RequestUri;
        if (uri is null || !uri.IsAbsoluteUri)
        {
            activity.SetTag("url.full", null);
            return;
        }
        var route = ZepRoutes.TemplateOf(uri);
        activity.SetTag("url.full", $"{uri.Scheme}://{uri.Authority}{route}");
        activity.SetTag("url.template", route);
        activity.SetTag("url.path", null);
        activity.SetTag("url.query", null);
    }
}
