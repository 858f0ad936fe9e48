using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace Pixelated.MigrationPipeline.Zep.Telemetry;

/// <summary>
/// The Zep client's request log, in place of IHttpClientFactory's default one, which writes each request's full URL (its
/// path holds user ids, often e-mail addresses) in a log scope and two lines. This one writes the method, the route
/// template, the status and the time, at debug level.
/// </summary>
public sealed partial class ZepHttpLogger(ILogger<ZepHttpLogger> logger) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request) => null;

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed) =>
        Sent(request.Method.Method, ZepRoutes.TemplateOf(request.RequestUri), (int)response.StatusCode, elapsed.TotalMilliseconds);

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed) =>
        Failed(request.Method.Method, ZepRoutes.TemplateOf(request.RequestUri), exception.GetType().Name, elapsed.TotalMilliseconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Zep {Method} {Route}: {Status} in {ElapsedMs:0.0} ms")]
    private partial void Sent(string method, string route, int status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Zep {Method} {Route} failed ({Error}) after {ElapsedMs:0.0} ms")]
    private partial void Failed(string method, string route, string error, double elapsedMs);
}
