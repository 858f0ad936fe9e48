using System.Text.Json;

namespace Pixelated.MigrationPipeline.Mem0.Detection;

/// <summary>
/// The shape of the start of a JSON file, gathered by walking a bounded prefix with <see cref="Utf8JsonReader"/>:
/// root kind, top-level keys (with <c>next</c>/<c>previous</c>/<c>kind</c> string values), where the records
/// array is, and the keys of its first record. Whatever lies beyond the prefix is simply not seen.
/// </summary>
internal sealed class JsonShape
{
    public JsonTokenType Root { get; private set; } = JsonTokenType.None;
    public HashSet<string> TopKeys { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> TopStrings { get; } = new(StringComparer.Ordinal);
    /// <summary>Token type of the value of top-level <c>results</c> (StartArray / StartObject / ...).</summary>
    public JsonTokenType ResultsValue { get; private set; } = JsonTokenType.None;
    /// <summary>True when <c>results</c> is an object holding a <c>results</c> array (docs-only v1.1 nesting).</summary>
    public bool NestedResults { get; private set; }
    /// <summary>Token type of the first element of the records array; None when empty or not reached.</summary>
    public JsonTokenType FirstRecord { get; private set; } = JsonTokenType.None;
    public HashSet<string> FirstRecordKeys { get; } = new(StringComparer.Ordinal);
    public bool Invalid { get; private set; }

    public static JsonShape Read(ReadOnlySpan<byte> prefix, bool isWholeFile)
    {
        var shape = new JsonShape();
        var reader = new Utf8JsonReader(prefix, isWholeFile, default);
        try
        {
            shape.Walk(ref reader);
        }
        catch (JsonException)
        {
            shape.Invalid = true;
        }

        return shape;
    }

    private void Walk(ref Utf8JsonReader reader)
    {
        string? topKey = null;
        var inResultsObject = false;
        var recordsArrayDepth = -1;
        var recordDepth = -1;
        while (reader.Read())
        {
            var depth = reader.CurrentDepth;
            var token = reader.TokenType;
            if (Root == JsonTokenType.None)
            {
                Root = token;
                if (token == JsonTokenType.StartArray)
                {
                    recordsArrayDepth = 0;
                }

                continue;
            }

            if (Root == JsonTokenType.StartObject && depth == 1)
            {
                if (token == JsonTokenType.PropertyName)
                {
                    topKey = reader.GetString()!;
                    TopKeys.Add(topKey);
                    continue;
                }

                if (topKey == "results" && ResultsValue == JsonTokenType.None)
                {
                    ResultsValue = token;
                    if (token == JsonTokenType.StartArray)
                    {
                        recordsArrayDepth = 1;
                    }

                    inResultsObject = token == JsonTokenType.StartObject;
                }
                else if (token == JsonTokenType.String && topKey is "next" or "previous" or "kind")
                {
                    TopStrings[topKey] = reader.GetString()!;
                }
                else if (token == JsonTokenType.EndObject)
                {
                    inResultsObject = false;
                }
            }

            if (inResultsObject && depth == 2 && token == JsonTokenType.PropertyName && reader.ValueTextEquals("results"))
            {
                if (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                {
                    NestedResults = true;
                    recordsArrayDepth = 2;
                }

                continue;
            }

            if (recordsArrayDepth >= 0 && FirstRecord == JsonTokenType.None && depth == recordsArrayDepth + 1
                && token is not (JsonTokenType.EndArray or JsonTokenType.EndObject))
            {
                FirstRecord = token;
                recordDepth = token == JsonTokenType.StartObject ? depth : -1;
                continue;
            }

            if (recordDepth >= 0)
            {
                if (token == JsonTokenType.PropertyName && depth == recordDepth + 1)
                {
                    FirstRecordKeys.Add(reader.GetString()!);
                }
                else if (token == JsonTokenType.EndObject && depth == recordDepth)
                {
                    recordDepth = -1;
                }
            }
        }
    }
}
