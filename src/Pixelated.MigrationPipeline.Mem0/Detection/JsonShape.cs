using System.Text.Json;

namespace Pixelated.MigrationPipeline.Mem0.Detection;

/// <summary>
/// The shape of the start of a JSON file, gathered by walking a bounded prefix with <see cref="Utf8JsonReader"/>:
/// root kind, top-level keys (with their string values), the string values of a top-level <c>scope</c> object,
/// where the records array is (root array, a top-level <c>results/data/items/records/memories</c> array,
/// <c>results.results</c> or <c>result.points</c>), and the keys of its first record. Whatever lies beyond the prefix
/// is simply not seen.
/// </summary>
internal sealed class JsonShape
{
    private static readonly HashSet<string> RecordArrayKeys = new(StringComparer.Ordinal) { "results", "data", "items", "records", "memories" };

    public JsonTokenType Root { get; private set; } = JsonTokenType.None;
    public HashSet<string> TopKeys { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> TopStrings { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> ScopeStrings { get; } = new(StringComparer.Ordinal);
    /// <summary>Token type of the value of top-level <c>results</c> (StartArray / StartObject / ...).</summary>
    public JsonTokenType ResultsValue { get; private set; } = JsonTokenType.None;
    /// <summary>True when <c>results</c> is an object holding a <c>results</c> array (docs-only v1.1 nesting).</summary>
    public bool NestedResults { get; private set; }
    /// <summary>True when <c>result</c> is an object holding a <c>points</c> array (Qdrant scroll).</summary>
    public bool QdrantPoints { get; private set; }
    /// <summary>Path of the first records array found; null when none was found in the prefix.</summary>
    public string[]? RecordsPath { get; private set; }
    /// <summary>Token type of the first element of the records array; None when empty or not reached.</summary>
    public JsonTokenType FirstRecord { get; private set; } = JsonTokenType.None;
    public HashSet<string> FirstRecordKeys { get; } = new(StringComparer.Ordinal);
    /// <summary>Keys of the <c>payload</c> object of the first record (Qdrant points).</summary>
    public HashSet<string> FirstPayloadKeys { get; } = new(StringComparer.Ordinal);
    public bool Invalid { get; private set; }

    private long _rootEnd = -1;

    /// <summary>True when the root value ended inside the prefix and more non-whitespace text follows it (JSON Lines).</summary>
    public bool MoreValuesFollow { get; private set; }

    public static JsonShape Read(ReadOnlySpan<byte> prefix, bool isWholeFile)
    {
        var shape = new JsonShape();
        var reader = new Utf8JsonReader(prefix, isWholeFile, new JsonReaderState(new JsonReaderOptions { AllowMultipleValues = true }));
        try
        {
            shape.Walk(ref reader);
            if (shape._rootEnd >= 0)
            {
                shape.MoreValuesFollow = !prefix[(int)shape._rootEnd..].Trim(" \t\r\n"u8).IsEmpty;
            }
        }
        catch (JsonException)
        {
            shape.Invalid = true;
        }
        catch (InvalidOperationException)
        {
            shape.Invalid = true;
        }

        return shape;
    }

    private void Walk(ref Utf8JsonReader reader)
    {
        string? topKey = null;
        string? inTopObject = null;
        var recordsArrayDepth = -1;
        var recordDepth = -1;
        var payloadDepth = -1;
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
                    RecordsPath = [];
                }

                continue;
            }

            if (depth == 0 && token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                // The root value is complete; anything after it means several values (JSON Lines).
                _rootEnd = reader.BytesConsumed;
                return;
            }

            if (Root == JsonTokenType.StartObject && depth == 1)
            {
                if (token == JsonTokenType.PropertyName)
                {
                    topKey = reader.GetString()!;
                    TopKeys.Add(topKey);
                    continue;
                }

                if (token == JsonTokenType.EndObject || token == JsonTokenType.EndArray)
                {
                    inTopObject = null;
                }
                else if (topKey is not null)
                {
                    if (topKey == "results" && ResultsValue == JsonTokenType.None)
                    {
                        ResultsValue = token;
                    }

                    if (token == JsonTokenType.StartArray && RecordsPath is null && RecordArrayKeys.Contains(topKey))
                    {
                        RecordsPath = [topKey];
                        recordsArrayDepth = 1;
                    }
                    else if (token == JsonTokenType.StartObject)
                    {
                        inTopObject = topKey;
                    }
                    else if (token == JsonTokenType.String)
                    {
                        TopStrings[topKey] = reader.GetString()!;
                    }
                    else if (token is JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null)
                    {
                        TopStrings.TryAdd(topKey, token == JsonTokenType.Number ? "#" : token.ToString());
                    }

                    topKey = token is JsonTokenType.StartArray or JsonTokenType.StartObject ? topKey : null;
                }

                if (token is not (JsonTokenType.StartArray or JsonTokenType.StartObject))
                {
                    continue;
                }
            }

            if (inTopObject is not null && depth == 2 && token == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (!reader.Read())
                {
                    return;
                }

                if (inTopObject == "results" && name == "results" && reader.TokenType == JsonTokenType.StartArray && RecordsPath is null)
                {
                    NestedResults = true;
                    RecordsPath = ["results", "results"];
                    recordsArrayDepth = 2;
                    continue;
                }

                if (inTopObject == "result" && name == "points" && reader.TokenType == JsonTokenType.StartArray && RecordsPath is null)
                {
                    QdrantPoints = true;
                    RecordsPath = ["result", "points"];
                    recordsArrayDepth = 2;
                    continue;
                }

                if (inTopObject == "scope" && reader.TokenType == JsonTokenType.String)
                {
                    ScopeStrings[name] = reader.GetString()!;
                    continue;
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
                    var key = reader.GetString()!;
                    FirstRecordKeys.Add(key);
                    if (key == "payload")
                    {
                        payloadDepth = depth;
                    }
                }
                else if (token == JsonTokenType.PropertyName && payloadDepth >= 0 && depth == payloadDepth + 1)
                {
                    FirstPayloadKeys.Add(reader.GetString()!);
                }
                else if (token == JsonTokenType.EndObject && depth == payloadDepth)
                {
                    payloadDepth = -1;
                }
                else if (token == JsonTokenType.EndObject && depth == recordDepth)
                {
                    recordDepth = -1;
                }
            }
        }
    }
}
