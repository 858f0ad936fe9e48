using Pixelated.ZepEmulator.Wire;

namespace Pixelated.ZepEmulator.Errors;

/// <summary>Zep's error body: <c>{"message": "...", "request_id": "&lt;uuid&gt;"}</c>, served as application/json; charset=utf-8.</summary>
internal sealed record ZepErrorBody(string Message, string RequestId);

internal static class ZepError
{
    public const string NotFoundMessage = "not found";

    public static IResult Status(int statusCode, string message) =>
        Results.Json(new ZepErrorBody(message, NewRequestId()), ZepJson.Options, contentType: null, statusCode: statusCode);

    /// <summary>400 whose message starts with <c>bad request: </c>.</summary>
    public static IResult BadRequest(string detail) => Status(StatusCodes.Status400BadRequest, "bad request: " + detail);

    /// <summary>400 with a message used verbatim (for texts observed without the prefix).</summary>
    public static IResult BadRequestVerbatim(string message) => Status(StatusCodes.Status400BadRequest, message);

    public static IResult NotFound() => Status(StatusCodes.Status404NotFound, NotFoundMessage);

    public static Task WriteAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        return context.Response.WriteAsJsonAsync(
            new ZepErrorBody(message, NewRequestId()), ZepJson.Options, "application/json; charset=utf-8", context.RequestAborted);
    }

    private static string NewRequestId() => Guid.NewGuid().ToString();
}
