using System.Globalization;
using System.Text.Json;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>
/// Parses the timestamp shapes mem0 emits (FORMATS.md §1) into UTC instants: ISO-8601 with <c>Z</c>, <c>±HH:MM</c>
/// or no offset (naive values are taken as UTC), 0–7 fractional digits, <c>T</c> or space separator, date-only
/// (midnight UTC), and epoch seconds as JSON numbers. Offsets are converted, never dropped.
/// </summary>
public static class Mem0Timestamp
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ssK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd",
    ];

    /// <summary>Parses an ISO-8601 string; the result is in UTC (offset zero), same instant.</summary>
    public static bool TryParse(string? text, out DateTimeOffset utc)
    {
        utc = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (!DateTimeOffset.TryParseExact(
                text.Trim(),
                Formats,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var parsed))
        {
            return false;
        }

        utc = parsed.ToUniversalTime();
        return true;
    }

    /// <summary>Parses epoch seconds (integer or fractional).</summary>
    public static bool TryParseEpochSeconds(double seconds, out DateTimeOffset utc)
    {
        utc = default;
        if (double.IsNaN(seconds) || double.IsInfinity(seconds))
        {
            return false;
        }

        var ms = seconds * 1000d;
        if (ms < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        utc = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(ms));
        return true;
    }

    /// <summary>Parses a JSON string (ISO-8601) or number (epoch seconds).</summary>
    public static bool TryParse(JsonElement value, out DateTimeOffset utc)
    {
        utc = default;
        return value.ValueKind switch
        {
            JsonValueKind.String => TryParse(value.GetString(), out utc),
            JsonValueKind.Number => value.TryGetDouble(out var seconds) && TryParseEpochSeconds(seconds, out utc),
            _ => false,
        };
    }
}
