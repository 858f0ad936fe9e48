using Microsoft.AspNetCore.Diagnostics;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MemoryService.Endpoints;

/// <summary>
/// Zep failing under an operation (an error answer, unreachable, the circuit open, no answer in time) is the service's
/// upstream failing: 503 when Zep is away or rate limiting (retry later, with the same <c>Idempotency-Key</c>), 502 for
/// any other answer; the problem and the one log line give Zep's status and the operation, never content or ids.
/// </summary>
public sealed class ZepProblems(IProblemDetailsService problems, ILogger<ZepProblems> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (ZepFailure.Classify(exception) is not { } failure) return false;
        var status = failure.IsTransient ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway;
        logger.LogWarning("Zep failed under {Method} {Route}: {Reason}", http.Request.Method, (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText, failure.Reason);
        http.Response.StatusCode = status;
        if (failure.IsTransient) http.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = status,
                Title = failure.IsTransient ? "Zep is unavailable" : "Zep refused the operation",
                Detail = failure.Reason,
            },
        });
    }
}
