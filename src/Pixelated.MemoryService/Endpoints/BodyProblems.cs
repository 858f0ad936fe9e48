namespace Pixelated.MemoryService.Endpoints;

/// <summary>
/// The framework answers a body it cannot take by itself (413 over <c>Memory:MaxBodyBytes</c>, 400 for JSON that does not
/// bind) with a bare status; every such problem names the field it is about, <c>body</c>, like every other 400 here.
/// </summary>
public static class BodyProblems
{
    public static void NameTheBody(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem is HttpValidationProblemDetails || problem.Extensions.ContainsKey("errors")) return;
        var reason = problem.Status switch
        {
            StatusCodes.Status413PayloadTooLarge => "larger than this service accepts (Memory:MaxBodyBytes)",
            StatusCodes.Status400BadRequest => "not readable as this route's JSON",
            _ => null,
        };
        if (reason is null) return;
        problem.Detail ??= $"body: {reason}";
        problem.Extensions["errors"] = new Dictionary<string, string[]> { ["body"] = [reason] };
    }
}
