namespace Pixelated.ZepEmulator.Hosting;

/// <summary>Counts answered requests by status code (everything except /_emulator/*).</summary>
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
            store.CountRequest(context.Response.StatusCode);
        }
    }
}
