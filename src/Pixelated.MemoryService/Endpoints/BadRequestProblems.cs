using Microsoft.AspNetCore.Diagnostics;

namespace Pixelated.MemoryService.Endpoints;

/// <summary>
/// A request refused while it is read (<see cref="BadHttpRequestException"/>: a body over <c>Memory:MaxBodyBytes</c>, 413;
/// malformed JSON, 400) is answered with its own status, not a 500; <see cref="BodyProblems"/> names the body in it, as
/// it does for the same refusals the framework answers by itself.
/// </summary>
public sealed class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException e) return false;
        http.Response.StatusCode = e.StatusCode;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = e.StatusCode };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = e });
    }
}
