using System.Text.Json;
using Pixelated.ZepEmulator.Wire;

namespace Pixelated.ZepEmulator.Errors;

/// <summary>Reads a JSON request body, turning malformed or missing JSON into Zep's 400.</summary>
internal static class JsonBody
{
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, ZepJson.Options, request.HttpContext.RequestAborted);
            return value is null
                ? (null, ZepError.BadRequest("request body is required"))
                : (value, null);
        }
        catch (JsonException)
        {
            // The message of JsonException may quote the payload; do not echo it.
            return (null, ZepError.BadRequest("invalid JSON body"));
        }
    }
}
