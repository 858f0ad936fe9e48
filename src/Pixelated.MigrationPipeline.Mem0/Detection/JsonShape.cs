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

    // Walk state.
    private long _rootEnd = -1;
    private string? _topKey;
    private string? _inTopObject;
    private int _recordsArrayDepth = -1;
    private int _recordDepth = -1;
    private int _payloadDepth = -1;

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
        while (reader.Read())
        {
            var depth = reader.CurrentDepth;
            var token = reader.TokenType;
            if (Root == JsonTokenType.None)
            {
                StartRoot(token);
                continue;
            }

            if (depth == 0 && token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                // The root value is complete; anything after it means several values (JSON Lines).
                _rootEnd = reader.BytesConsumed;
                return;
            }

            if (Root == JsonTokenType.StartObject && depth == 1 && ReadTopLevel(ref reader, token))
            {
                continue;
            }

            if (_inTopObject is not null && depth == 2 && token == JsonTokenType.PropertyName)
            {
                if (!ReadTopObjectProperty(ref reader))
                {
                    return;
                }

                continue;
            }

            if (_recordsArrayDepth >= 0 && FirstRecord == JsonTokenType.None && depth == _recordsArrayDepth + 1
                && token is not (JsonTokenType.EndArray or JsonTokenType.EndObject))
            {
                FirstRecord = token;
                _recordDepth = token == JsonTokenType.StartObject ? depth : -1;
                continue;
            }

            if (_recordDepth >= 0)
            {
                ReadRecordToken(ref reader, token, depth);
            }
        }
    }

    private void StartRoot(JsonTokenType token)
    {
        Root = token;
        if (token == JsonTokenType.StartArray)
        {
            _recordsArrayDepth = 0;
            RecordsPath = [];
        }
    }

    /// <summary>A token at depth 1 of a root object: a top-level key or its value.</summary>
    /// <returns>true when the token is fully handled (anything but the start of an array or object).</returns>
    private bool ReadTopLevel(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (token == JsonTokenType.PropertyName)
        {
            _topKey = reader.GetString()!;
            TopKeys.Add(_topKey);
            return true;
        }

        if (token == JsonTokenType.EndObject || token == JsonTokenType.EndArray)
        {
            _inTopObject = null;
        }
        else if (_topKey is not null)
        {
            ReadTopValue(ref reader, _topKey, token);
            _topKey = token is JsonTokenType.StartArray or JsonTokenType.StartObject ? _topKey : null;
        }

        return token is not (JsonTokenType.StartArray or JsonTokenType.StartObject);
    }

    private void ReadTopValue(ref Utf8JsonReader reader, string topKey, JsonTokenType token)
    {
        if (topKey == "results" && ResultsValue == JsonTokenType.None)
        {
            ResultsValue = token;
        }

        if (token == JsonTokenType.StartArray && RecordsPath is null && RecordArrayKeys.Contains(topKey))
        {
            RecordsPath = [topKey];
            _recordsArrayDepth = 1;
        }
        else if (token == JsonTokenType.StartObject)
        {
            _inTopObject = topKey;
        }
        else if (token == JsonTokenType.String)
        {
            TopStrings[topKey] = reader.GetString()!;
        }
        else if (token is JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null)
        {
            TopStrings.TryAdd(topKey, token == JsonTokenType.Number ? "#" : token.ToString());
        }
    }

    /// <summary>A key of a top-level object (<c>results.results</c>, <c>result.points</c>, <c>scope.*</c>), read with its value.</summary>
    /// <returns>false when the prefix ends before the value.</returns>
    private bool ReadTopObjectProperty(ref Utf8JsonReader reader)
    {
        var name = reader.GetString()!;
        if (!reader.Read())
        {
            return false;
        }

        if (_inTopObject == "results" && name == "results" && reader.TokenType == JsonTokenType.StartArray && RecordsPath is null)
        {
            NestedResults = true;
            RecordsPath = ["results", "results"];
            _recordsArrayDepth = 2;
        }
        else if (_inTopObject == "result" && name == "points" && reader.TokenType == JsonTokenType.StartArray && RecordsPath is null)
        {
            QdrantPoints = true;
            RecordsPath = ["result", "points"];
            _recordsArrayDepth = 2;
        }
        else if (_inTopObject == "scope" && reader.TokenType == JsonTokenType.String)
        {
            ScopeStrings[name] = reader.GetString()!;
        }

        return true;
    }

    /// <summary>A token inside the first record: its keys, and the keys of its <c>payload</c> object.</summary>
    private void ReadRecordToken(ref Utf8JsonReader reader, JsonTokenType token, int depth)
    {
        if (token == JsonTokenType.PropertyName && depth == _recordDepth + 1)
        {
            var key = reader.GetString()!;
            FirstRecordKeys.Add(key);
            if (key == "payload")
            {
                _payloadDepth = depth;
            }
        }
        else if (token == JsonTokenType.PropertyName && _payloadDepth >= 0 && depth == _payloadDepth + 1)
        {
            FirstPayloadKeys.Add(reader.GetString()!);
        }
        else if (token == JsonTokenType.EndObject && depth == _payloadDepth)
        {
            _payloadDepth = -1;
        }
        else if (token == JsonTokenType.EndObject && depth == _recordDepth)
        {
            _recordDepth = -1;
        }
    }
}
