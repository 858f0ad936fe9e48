namespace Pixelated.ZepEmulator.Errors;

/// <summary>
/// Gives every body-less 4xx/5xx (unknown route 404, wrong-method 405, unhandled exception 500)
/// Zep's JSON error body.
/// </summary>
internal sealed class ErrorBodyMiddleware(RequestDelegate next, ILogger<ErrorBodyMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            // Never log bodies: only the exception type and route.
            logger.LogError("Unhandled {ExceptionType} on {Method} {Path}", ex.GetType().Name, context.Request.Method, context.Request.Path);
            await ZepError.WriteAsync(context, StatusCodes.Status500InternalServerError, "internal server error");
            return;
        }

        var status = context.Response.StatusCode;
        if (status >= 400 && !context.Response.HasStarted && string.IsNullOrEmpty(context.Response.ContentType)
            && !context.RequestAborted.IsCancellationRequested)
        {
            var message = status switch
            {
                StatusCodes.Status404NotFound => ZepError.NotFoundMessage,
                StatusCodes.Status405MethodNotAllowed => "method not allowed",
                StatusCodes.Status400BadRequest => "bad request: invalid request",
                _ => "error",
            };
            await ZepError.WriteAsync(context, status, message);
        }
    }
}
