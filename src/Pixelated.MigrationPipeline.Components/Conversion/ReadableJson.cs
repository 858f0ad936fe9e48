using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pixelated.MigrationPipeline.Components.Conversion;

/// <summary>
/// Writes JSON that stays readable in Zep: only what JSON requires is escaped (<c>"</c>, <c>\</c>, the control characters
/// U+0000–U+001F) plus unpaired surrogates, which no UTF-8 request body can carry. Letters, CJK, emoji and every other
/// character go as they are, so a part measured here is the part Zep counts. (System.Text.Json's encoders escape more:
/// the default one every non-ASCII character and <c>'</c> <c>&lt;</c> <c>&amp;</c> <c>+</c>; even the relaxed one every
/// character outside the BMP, an emoji as 12 characters.)
/// </summary>
public static class ReadableJson
{
    /// <summary>Appends <paramref name="value"/> as a JSON string literal.</summary>
    public static void AppendString(StringBuilder json, ReadOnlySpan<char> value)
    {
        json.Append('"');
        var run = 0; // start of the run of characters that go as they are
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            if (EscapedWidth(value, i) == 1) continue;
            json.Append(value[run..i]);
            AppendEscape(json, value[i]);
            run = i + 1;
        }
        json.Append(value[run..]).Append('"');
    }

    /// <summary>
    /// How many characters the UTF-16 unit at <paramref name="index"/> takes inside a JSON string literal: 1 (2 for the
    /// high half of a surrogate pair, which covers the pair), 2 for a short escape, 6 for a <c>\uXXXX</c> escape, 0 for
    /// the low half of a pair (counted with its high half).
    /// </summary>
    public static int EscapedWidth(ReadOnlySpan<char> text, int index)
    {
        var c = text[index];
        if (char.IsHighSurrogate(c)) return index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 6;
        if (char.IsLowSurrogate(c)) return index > 0 && char.IsHighSurrogate(text[index - 1]) ? 0 : 6;
        return c switch
        {
            '"' or '\\' or '\b' or '\f' or '\n' or '\r' or '\t' => 2,
            < ' ' => 6,
            _ => 1,
        };
    }

    /// <summary>The length of <paramref name="value"/> as a JSON string literal, quotes excluded.</summary>
    public static int EscapedLength(ReadOnlySpan<char> value)
    {
        var length = 0;
        for (var i = 0; i < value.Length; i++) length += EscapedWidth(value, i);
        return length;
    }

    /// <summary>Appends a JSON value (compact, property order and number text kept), its strings written as readable as <see cref="AppendString"/>.</summary>
    public static void AppendValue(StringBuilder json, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                json.Append('{');
                var first = true;
                foreach (var property in value.EnumerateObject())
                {
                    if (!first) json.Append(',');
                    first = false;
                    AppendString(json, property.Name);
                    json.Append(':');
                    AppendValue(json, property.Value);
                }
                json.Append('}');
                break;
            case JsonValueKind.Array:
                json.Append('[');
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (index++ > 0) json.Append(',');
                    AppendValue(json, item);
                }
                json.Append(']');
                break;
            case JsonValueKind.String:
                AppendString(json, value.GetString());
                break;
            default: // number, true, false, null: their text
                json.Append(value.GetRawText());
                break;
        }
    }

    private static void AppendEscape(StringBuilder json, char c) => json.Append(c switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\b' => "\\b",
        '\f' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
    });
}
