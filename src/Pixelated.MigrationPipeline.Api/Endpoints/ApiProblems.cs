namespace Pixelated.MigrationPipeline.Api.Endpoints;

/// <summary>RFC 7807 problem details in the API's words (no content, names or keys).</summary>
public static class ApiProblems
{
    public static IResult Create(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static IResult BadRequest(string detail) => Create(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static IResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "Not found", detail);

    public static IResult Conflict(string detail) => Create(StatusCodes.Status409Conflict, "Conflict", detail);

    public static IResult RunNotFound(Guid runId) => NotFound($"run {runId} not found");
}
