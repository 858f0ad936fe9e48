using System.Globalization;
using Microsoft.AspNetCore.Routing;
using Pixelated.ZepEmulator.Endpoints;
using Pixelated.ZepEmulator.Errors;

namespace Pixelated.ZepEmulator.Hosting;

/// <summary>
/// Injects faults into write requests: requests whose matched endpoint is a POST/PUT/PATCH/DELETE route of
/// /api/v2 and not marked <see cref="ReadOnlyEndpoint"/> (so unknown routes, 405s and reads are never faulted).
/// <list type="bullet">
/// <item>429 and error-before-write answer at once; the endpoint does not run (nothing stored).</item>
/// <item>error-after-write and timeout-after-write run the endpoint with a buffered body; when it succeeded
/// (2xx) its answer is discarded and replaced by a 500, or by silence until the client aborts (counted as 499;
/// 504 after <see cref="EmulatorFaultOptions.TimeoutHoldSeconds"/>; the connection is dropped when the emulator stops). When the endpoint refused the request
/// (4xx), its answer passes through and no fault is counted: nothing was written.</item>
/// </list>
/// Every injected fault is counted in <see cref="EmulatorStats.Faults"/>.
/// </summary>
internal sealed class FaultInjectionMiddleware(RequestDelegate next, FaultInjector injector, EmulatorStore store, IHostApplicationLifetime lifetime)
{
    /// <summary>Status recorded for a request the client abandoned while a timeout fault held it (nginx's "client closed request").</summary>
    public const int ClientClosedRequest = 499;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsWrite(context))
        {
            await next(context);
            return;
        }

        var decision = injector.Decide();
        switch (decision.Kind)
        {
            case FaultKind.TooManyRequests:
                store.CountFault(EmulatorFaultKinds.TooManyRequests);
                context.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await ZepError.WriteAsync(context, StatusCodes.Status429TooManyRequests, "rate limit exceeded");
                return;
            case FaultKind.ErrorBeforeWrite:
                store.CountFault(EmulatorFaultKinds.ErrorBeforeWrite);
                await ZepError.WriteAsync(context, StatusCodes.Status500InternalServerError, "internal server error");
                return;
            case FaultKind.ErrorAfterWrite:
            case FaultKind.TimeoutAfterWrite:
                await RunThenFailAsync(context, decision);
                return;
            default:
                await next(context);
                return;
        }
    }

    private async Task RunThenFailAsync(HttpContext context, FaultDecision decision)
    {
        var response = context.Response;
        var original = response.Body;
        using var buffer = new MemoryStream();
        response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            response.Body = original;
        }

        if (response.StatusCode is < 200 or >= 300)
        {
            // The write was refused: nothing stored, so the real answer goes out.
            buffer.Position = 0;
            await buffer.CopyToAsync(original, context.RequestAborted);
            return;
        }

        // Discard the endpoint's answer.
        response.Headers.ContentType = default;
        response.Headers.ContentLength = default;
        response.Headers.Location = default;

        if (decision.Kind == FaultKind.ErrorAfterWrite)
        {
            store.CountFault(EmulatorFaultKinds.ErrorAfterWrite);
            await ZepError.WriteAsync(context, StatusCodes.Status500InternalServerError, "internal server error");
            return;
        }

        store.CountFault(EmulatorFaultKinds.TimeoutAfterWrite);
        using var hold = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        hold.CancelAfter(TimeSpan.FromSeconds(decision.HoldSeconds));
        try
        {
            await Task.Delay(Timeout.Infinite, hold.Token);
        }
        catch (OperationCanceledException)
        {
            // client gave up, or the safety cap was reached
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            response.StatusCode = ClientClosedRequest;
            return;
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The emulator is shutting down: drop the connection instead of delaying the shutdown.
            response.StatusCode = ClientClosedRequest;
            context.Abort();
            return;
        }

        await ZepError.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "gateway timeout");
    }

    private static bool IsWrite(HttpContext context)
    {
        var method = context.Request.Method;
        if (!(HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method)))
        {
            return false;
        }

        var endpoint = context.GetEndpoint();
        if (endpoint is null || endpoint.Metadata.GetMetadata<ReadOnlyEndpoint>() is not null)
        {
            return false;
        }

        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        return methods is not null && methods.Contains(method, StringComparer.OrdinalIgnoreCase);
    }
}
