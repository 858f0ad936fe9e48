using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pixelated.ZepEmulator.Wire;

/// <summary>JSON conventions of the Zep wire format: snake_case names, nulls left out.</summary>
internal static class ZepJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>RFC 3339 with the caller's offset kept; UTC is written with a <c>Z</c>.</summary>
    public static string FormatTime(DateTimeOffset value) =>
        value.Offset == TimeSpan.Zero
            ? value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
            : value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    /// <summary>Parses an RFC 3339 timestamp (date, time and offset required).</summary>
    public static bool TryParseTime(string text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length < 20 || text[10] is not ('T' or 't' or ' '))
        {
            return false;
        }

        var last = text[^1];
        var hasOffset = last is 'Z' or 'z' || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        return hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }
}
