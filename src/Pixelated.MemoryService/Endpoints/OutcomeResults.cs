using Pixelated.MemoryService.Application;
using Pixelated.MemoryService.Auth;

namespace Pixelated.MemoryService.Endpoints;

/// <summary>Maps an <see cref="Outcome{T}"/> to its HTTP answer: 200/201 with the value, else problem details naming the field.</summary>
public static class OutcomeResults
{
    public static IResult ToResult<T>(this Outcome<T> outcome, Func<T, string>? location = null) => outcome.Kind switch
    {
        OutcomeKind.Ok => Results.Ok(outcome.Value),
        OutcomeKind.Created => location is null ? Results.Json(outcome.Value, statusCode: 201) : Results.Created(location(outcome.Value!), outcome.Value),
        OutcomeKind.Forbidden => Results.Problem(statusCode: 403, title: "Forbidden", detail: outcome.Reason),
        OutcomeKind.NotFound => Results.Problem(statusCode: 404, title: "Not found", detail: outcome.Reason),
        OutcomeKind.Conflict => Results.Problem(statusCode: 409, title: "Conflict", detail: outcome.Reason),
        OutcomeKind.Invalid => Invalid(outcome.Field ?? "body", outcome.Reason ?? "is not valid"),
        _ => Results.Problem(statusCode: 500),
    };

    /// <summary>400 with <c>errors: {field: [reason]}</c>.</summary>
    public static IResult Invalid(string field, string reason) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] }, detail: $"{field}: {reason}");

    /// <summary>The authenticated caller (the <see cref="BearerAuthentication.CallerPolicy"/> guarantees one on every guarded route).</summary>
    public static Caller CallerOf(HttpContext http) =>
        Caller.From(http.User) ?? throw new InvalidOperationException("a guarded route ran without a caller");
}
