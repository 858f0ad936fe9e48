namespace Pixelated.ZepEmulator.Hosting;

/// <summary>Counts answered requests by status code and by route (everything except /_emulator/*).</summary>
internal sealed class RequestStatsMiddleware(RequestDelegate next, EmulatorStore store)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        finally
        {
            var route = context.GetEndpoint() is RouteEndpoint endpoint
                ? $"{context.Request.Method} {endpoint.RoutePattern.RawText}"
                : $"{context.Request.Method} (no route)";
            store.CountRequest(context.Response.StatusCode, route);
        }
    }
}
