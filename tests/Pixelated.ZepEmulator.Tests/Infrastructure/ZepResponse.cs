using System.Net;
using System.Text.Json;

namespace Pixelated.ZepEmulator.Tests.Infrastructure;

/// <summary>A response read to the end: status, headers and the parsed JSON body.</summary>
internal sealed record ZepResponse(HttpStatusCode Status, HttpResponseMessage Raw, string Text)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement.Clone();

    public string? ContentType => Raw.Content.Headers.ContentType?.ToString();

    public string? Header(string name) =>
        Raw.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : Raw.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues)
        : null;

    public string Message => Json.GetProperty("message").GetString()!;

    /// <summary>Asserts Zep's error body: JSON {"message", "request_id": uuid} served as application/json; charset=utf-8.</summary>
    public void AssertZepError(HttpStatusCode status, string? message = null)
    {
        Assert.Equal(status, Status);
        Assert.Equal("application/json; charset=utf-8", ContentType);
        ZepSchemas.AssertValid("ApidataAPIError", Json);
        Assert.True(Guid.TryParse(Json.GetProperty("request_id").GetString(), out _), "request_id is not a uuid");
        if (message is not null)
        {
            Assert.Equal(message, Message);
        }
    }
}
