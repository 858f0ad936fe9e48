using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Pixelated.MigrationPipeline.Components.Conversion;

namespace Pixelated.MigrationPipeline.Components.Tests;

public class ReadableJsonTests
{
    private const string Readable = "séance très fatiguée 😀 👩‍⚕️ 🇫🇷 今日は眠れない。 שלום مرحبا e\u0301 client's <3 A&B 1+1";

    private static string Write(string value)
    {
        var json = new StringBuilder();
        ReadableJson.AppendString(json, value);
        return json.ToString();
    }

    [Fact]
    public void Letters_emoji_cjk_and_rtl_go_unescaped()
    {
        Assert.Equal("\"" + Readable + "\"", Write(Readable));
        Assert.Equal(Readable.Length, ReadableJson.EscapedLength(Readable));
    }

    [Fact]
    public void Only_what_json_requires_is_escaped()
    {
        Assert.Equal("\"a\\\"b\\\\c\\nd\\te\\r\\b\\f\\u0000\\u001F\u007f\u2028\"", Write("a\"b\\c\nd\te\r\b\f\u0000\u001f\u007f\u2028"));
        Assert.Equal("\"\\uD800x\\uDC00\"", Write("\ud800x\udc00")); // unpaired surrogates: no UTF-8 body can carry them raw
    }

    [Theory]
    [InlineData("")]
    [InlineData(Readable)]
    [InlineData("\"\\\n\u0001\u001f\t quotes and controls")]
    public void What_is_written_reads_back_as_the_same_string(string value)
    {
        var written = Write(value);

        Assert.Equal(value, JsonSerializer.Deserialize<string>(written));
        Assert.Equal(written.Length - 2, ReadableJson.EscapedLength(value));
    }

    [Fact]
    public void System_text_json_encoders_escape_more_which_is_why_the_envelope_is_written_by_hand()
    {
        var relaxed = JsonSerializer.Serialize("😀 今日", new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var allRanges = JsonSerializer.Serialize("😀 é", new JsonSerializerOptions { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) });

        Assert.Contains("\\uD83D\\uDE00", relaxed, StringComparison.OrdinalIgnoreCase); // an emoji: 12 characters
        Assert.Contains("\\uD83D\\uDE00", allRanges, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("\"😀 今日\"", Write("😀 今日"));
    }

    [Fact]
    public void A_value_keeps_its_order_and_numbers_and_its_strings_readable()
    {
        const string metadata = """{"type":"session_summary","note":"séance 😀","score":3.50,"tags":["été",true,null],"nested":{"n":-1e3}}""";
        using var doc = JsonDocument.Parse(metadata);
        var json = new StringBuilder();

        ReadableJson.AppendValue(json, doc.RootElement);

        Assert.Equal(metadata, json.ToString());
    }
}
