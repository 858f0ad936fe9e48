using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Reading;

namespace Pixelated.MigrationPipeline.Mem0.Tests;

/// <summary>The readers' property lookup answers exactly as <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>.</summary>
public class PropertyIndexTests
{
    [Theory]
    [InlineData("""{"user_id": "a", "memory": "m"}""")]
    [InlineData("""{"memory": "first", "user_id": "a", "memory": "last"}""")]
    [InlineData("""{"user\u005fid": "escaped", "memory": "m"}""")]
    [InlineData("""{"user_id": "plain", "user\u005fid": "escaped later"}""")]
    [InlineData("""{"user_idx": "longer", "user_i": "shorter", "User_id": "case", "ü": 1}""")]
    [InlineData("""{}""")]
    [InlineData("""["not", "an", "object"]""")]
    public void Finds_what_TryGetProperty_finds(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var index = new PropertyIndex(doc.RootElement);
        foreach (var name in new[] { "user_id", "memory", "user_i", "User_id", "missing", "" })
        {
            var expected = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var e) ? e.GetRawText() : null;
            var actual = index.TryFind(name, out var a) ? a.GetRawText() : null;
            Assert.Equal(expected, actual);
        }
    }
}
