using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Reading;

namespace Pixelated.MigrationPipeline.Mem0.Tests;

public class Mem0TimestampTests
{
    [Theory]
    [InlineData("2026-05-04T09:02:11-07:00", "2026-05-04T16:02:11.0000000Z")]
    [InlineData("2024-11-27T16:53:43.276872-08:00", "2024-11-28T00:53:43.2768720Z")]
    [InlineData("2026-01-15T10:30:00Z", "2026-01-15T10:30:00.0000000Z")]
    [InlineData("2025-02-27T16:33:20.557Z", "2025-02-27T16:33:20.5570000Z")]
    [InlineData("2026-05-01T10:15:30.123456+00:00", "2026-05-01T10:15:30.1234560Z")]
    [InlineData("2026-05-01T10:15:30.123456+05:30", "2026-05-01T04:45:30.1234560Z")]
    [InlineData("2026-05-01T10:15:30.123456", "2026-05-01T10:15:30.1234560Z")]
    [InlineData("2026-05-01T10:15:30", "2026-05-01T10:15:30.0000000Z")]
    [InlineData("2026-05-01 10:15:30", "2026-05-01T10:15:30.0000000Z")]
    [InlineData("2026-06-30", "2026-06-30T00:00:00.0000000Z")]
    [InlineData("2026-05-01T10:15:30.123456789Z", "2026-05-01T10:15:30.1234567Z")]
    [InlineData("2026-05-01T10:15:30.123456789-07:00", "2026-05-01T17:15:30.1234567Z")]
    public void Iso_timestamps_in_any_mem0_shape_become_the_same_instant_in_utc(string input, string expectedUtc)
    {
        Assert.True(Mem0Timestamp.TryParse(input, out var utc));
        Assert.Equal(TimeSpan.Zero, utc.Offset);
        Assert.Equal(expectedUtc, utc.UtcDateTime.ToString("O"));

        // Read from JSON (the readers' way: values with an offset take System.Text.Json's parser), plain and escaped.
        foreach (var json in new[] { JsonSerializer.Serialize(input), "\"" + input.Replace("T", "\\u0054") + "\"" })
        {
            using var doc = JsonDocument.Parse(json);
            Assert.True(Mem0Timestamp.TryParse(doc.RootElement, out var fromJson), json);
            Assert.Equal(TimeSpan.Zero, fromJson.Offset);
            Assert.Equal(expectedUtc, fromJson.UtcDateTime.ToString("O"));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-05-01T25:00:00Z")]
    [InlineData("1756800070")]
    [InlineData("2026-02-30T10:00:00+01:00")]
    [InlineData("2026-05-01T10:00:00+25:00")]
    public void Strings_that_are_not_timestamps_are_rejected(string input)
    {
        Assert.False(Mem0Timestamp.TryParse(input, out _));
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(input));
        Assert.False(Mem0Timestamp.TryParse(doc.RootElement, out _));
    }

    [Fact]
    public void Epoch_seconds_as_json_number_become_utc_instant()
    {
        using var doc = JsonDocument.Parse("1756800070");
        Assert.True(Mem0Timestamp.TryParse(doc.RootElement, out var utc));
        Assert.Equal(new DateTimeOffset(2025, 9, 2, 8, 1, 10, TimeSpan.Zero), utc);
        Assert.Equal(TimeSpan.Zero, utc.Offset);
    }

    [Fact]
    public void Json_boolean_is_not_a_timestamp()
    {
        using var doc = JsonDocument.Parse("true");
        Assert.False(Mem0Timestamp.TryParse(doc.RootElement, out _));
    }
}
