using System.Text.Json;

namespace Pixelated.MemoryService.Tests.Support;

public static class Problems
{
    /// <summary>Asserts a problem-details answer whose <c>errors</c> names <paramref name="field"/> (any status).</summary>
    public static async Task AssertProblemNamesAsync(this HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"expected errors to name {field}: {body}");
    }
}
