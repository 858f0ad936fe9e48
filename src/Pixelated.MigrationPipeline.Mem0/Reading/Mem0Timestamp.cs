using System.Globalization;
using System.Runtime.InteropServices;
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

        text = TrimExtraFraction(text.Trim());
        if (!DateTimeOffset.TryParseExact(
                text,
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

    /// <summary>Nanosecond fractions (9 digits, Go / Qdrant) are cut to the 7 digits .NET keeps.</summary>
    private static string TrimExtraFraction(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return text;
        }

        var end = dot + 1;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return end - dot - 1 > 7 ? string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end)) : text;
    }

    /// <summary>Values at or above this are taken as epoch milliseconds (in seconds they would be after year 5138).</summary>
    public const double EpochMillisecondsThreshold = 1e11;

    /// <summary>Parses epoch seconds (integer or fractional); values ≥ <see cref="EpochMillisecondsThreshold"/> are
    /// epoch milliseconds (JS <c>Date.now()</c>).</summary>
    public static bool TryParseEpochSeconds(double seconds, out DateTimeOffset utc)
    {
        utc = default;
        if (double.IsNaN(seconds) || double.IsInfinity(seconds))
        {
            return false;
        }

        var ms = seconds >= EpochMillisecondsThreshold ? seconds : seconds * 1000d;
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
            JsonValueKind.String => TryParseWithExplicitOffset(value, out utc) || TryParse(value.GetString(), out utc),
            JsonValueKind.Number => value.TryGetDouble(out var seconds) && TryParseEpochSeconds(seconds, out utc),
            _ => false,
        };
    }

    /// <summary>
    /// The common shape (<c>yyyy-MM-ddTHH:mm:ss[.f…](Z|±HH:MM)</c>) read straight from the JSON bytes by System.Text.Json's
    /// ISO-8601 parser, without making a string or trying the formats one by one (a tenth of the reading time of a large
    /// export went to them). Only values that carry their own offset: System.Text.Json would read a naive value in the
    /// machine's time zone, where mem0's naive values are UTC; those, and anything it refuses, go the general way.
    /// </summary>
    private static bool TryParseWithExplicitOffset(JsonElement value, out DateTimeOffset utc)
    {
        utc = default;
        var raw = JsonMarshal.GetRawUtf8Value(value).Trim((byte)'"');
        var explicitOffset = raw.Length >= 20 && raw[10] == (byte)'T' && !raw.Contains((byte)'\\')
            && (raw[^1] == (byte)'Z' || raw[^6] is (byte)'+' or (byte)'-' && raw[^3] == (byte)':');
        if (!explicitOffset || !value.TryGetDateTimeOffset(out var parsed)) return false;
        utc = parsed.ToUniversalTime();
        return true;
    }
}
