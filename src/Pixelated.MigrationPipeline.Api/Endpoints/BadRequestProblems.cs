using Microsoft.AspNetCore.Diagnostics;

namespace Pixelated.MigrationPipeline.Api.Endpoints;

/// <summary>
/// A request Kestrel refuses while it is read (<see cref="BadHttpRequestException"/>: a body over the limit, 413; a body
/// cut short or malformed, 400) is answered with its own status and a problem, on every route — not as a 500 with a stack
/// trace in the log. One debug line says what was refused.
/// </summary>
public sealed class BadRequestProblems(IProblemDetailsService problems, ILogger<BadRequestProblems> logger) : IExceptionHandler
{
    public static IResult For(BadHttpRequestException e) => e.StatusCode == StatusCodes.Status413PayloadTooLarge
        ? ApiProblems.Create(e.StatusCode, "Payload too large", "The request body is larger than this endpoint accepts.")
        : ApiProblems.Create(e.StatusCode, "Bad request", "The request could not be read.");

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException e) return false;
        logger.LogDebug("Refused a request to {Path} while reading it: {Status}", http.Request.Path, e.StatusCode);
        http.Response.StatusCode = e.StatusCode;
        var problem = (For(e) as Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult)!.ProblemDetails;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = e });
    }
}
