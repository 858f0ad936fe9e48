using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Pixelated.MigrationPipeline.Api.Endpoints;

/// <summary>
/// Reads the JSON body of an operator action inside its handler (not by parameter binding), so that every refusal —
/// wrong content type (415), malformed JSON (400), a body over <see cref="MaxBytes"/> (413) — is a problem the
/// handler returns and the audit filter records with the key's name.
/// </summary>
public static class JsonBody
{
    /// <summary>A start request or a control body is a few hundred bytes; Kestrel's own limit (30 MB) is far too lenient.</summary>
    public const long MaxBytes = 64 * 1024;

    /// <summary>The body, null when there is none (<paramref name="optional"/>), or the problem that refuses it.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext http, bool optional, CancellationToken ct) where T : class
    {
        var request = http.Request;
        if (request.ContentLength == 0 || (request.ContentLength is null && request.ContentType is null && !request.Headers.ContainsKey("Transfer-Encoding")))
            return optional ? (null, null) : (null, ApiProblems.BadRequest("The body is empty."));
        if (!request.HasJsonContentType())
            return (null, UnsupportedMediaType("Send application/json."));
        if (request.ContentLength > MaxBytes) return (null, TooLarge());
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBytes;

        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, options, ct);
            return value is null && !optional ? (null, ApiProblems.BadRequest("The body is empty.")) : (value, null);
        }
        catch (JsonException)
        {
            return (null, ApiProblems.BadRequest("The body is not valid JSON for this action."));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
    }

    public static IResult TooLarge() => ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large",
        $"A JSON body may hold at most {MaxBytes} bytes.");

    public static IResult UnsupportedMediaType(string detail) =>
        ApiProblems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail);
}
