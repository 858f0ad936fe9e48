namespace Pixelated.ZepEmulator.Hosting;

/// <summary>Adds the configured delay to every API request (simulates network/service latency).</summary>
internal sealed class LatencyMiddleware(RequestDelegate next, int latencyMs)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await Task.Delay(latencyMs, context.RequestAborted);
        await next(context);
    }
}
