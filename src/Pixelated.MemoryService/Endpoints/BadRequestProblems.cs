using Microsoft.AspNetCore.Diagnostics;

namespace Pixelated.MemoryService.Endpoints;

/// <summary>
/// A request refused while it is read (<see cref="BadHttpRequestException"/>: a body over <c>Memory:MaxBodyBytes</c>, 413;
/// malformed JSON, 400) is answered with its status and a problem naming the body, not a 500.
/// </summary>
public sealed class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException e) return false;
        http.Response.StatusCode = e.StatusCode;
        var tooLarge = e.StatusCode == StatusCodes.Status413PayloadTooLarge;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = e.StatusCode,
            Title = tooLarge ? "Payload too large" : "Bad request",
            Detail = tooLarge ? "body: the request body is larger than this service accepts" : "body: the request body could not be read as JSON of this route's shape",
            Extensions = { ["errors"] = new Dictionary<string, string[]> { ["body"] = [tooLarge ? "too large" : "not readable"] } },
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = e });
    }
}
