using System.Text.Json;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>
/// Reads typed fields from one JSON record and remembers the first problem (field name + reason).
/// Reasons describe types and presence only, never values: record content may be health data.
/// </summary>
internal sealed class FieldReader(JsonElement record)
{
    public string? FailedField { get; private set; }

    public string? FailureReason { get; private set; }

    public bool Failed => FailedField is not null;

    public void Fail(string field, string reason)
    {
        if (!Failed)
        {
            FailedField = field;
            FailureReason = reason;
        }
    }

    private bool TryGet(string name, out JsonElement value)
    {
        if (record.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>A string that must be present, non-null and not blank.</summary>
    public string? RequiredString(string name)
    {
        if (!TryGet(name, out var value))
        {
            Fail(name, "required field is missing or null");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Fail(name, $"expected a string, found {Describe(value.ValueKind)}");
            return null;
        }

        var text = value.GetString();
        if (string.IsNullOrWhiteSpace(text))
        {
            Fail(name, "required field is empty");
            return null;
        }

        return text;
    }

    /// <summary>A string that may be absent or null; wrong type is a failure.</summary>
    public string? OptionalString(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Fail(name, $"expected a string or null, found {Describe(value.ValueKind)}");
            return null;
        }

        return value.GetString();
    }

    /// <summary>An opaque id: a string or a JSON number (kept as its literal text).</summary>
    public string? Id(string name, bool required = true)
    {
        if (!TryGet(name, out var value))
        {
            if (required)
            {
                Fail(name, "required field is missing or null");
            }

            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String when !string.IsNullOrWhiteSpace(value.GetString()):
                return value.GetString();
            case JsonValueKind.String:
                Fail(name, "id is empty");
                return null;
            case JsonValueKind.Number:
                return value.GetRawText();
            default:
                Fail(name, $"expected a string or number id, found {Describe(value.ValueKind)}");
                return null;
        }
    }

    /// <summary>Same as <see cref="Id"/> but never records a failure (used to attribute failed records).</summary>
    public static string? PeekId(JsonElement record, string name) =>
        record.ValueKind == JsonValueKind.Object && record.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>A timestamp (ISO string or epoch seconds number), normalised to UTC.</summary>
    public DateTimeOffset? Timestamp(string name, bool required)
    {
        if (!TryGet(name, out var value))
        {
            if (required)
            {
                Fail(name, "required timestamp is missing or null");
            }

            return null;
        }

        if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
        {
            Fail(name, $"expected a timestamp string or epoch number, found {Describe(value.ValueKind)}");
            return null;
        }

        if (!Mem0Timestamp.TryParse(value, out var utc))
        {
            Fail(name, "value is not a recognised timestamp");
            return null;
        }

        return utc;
    }

    /// <summary><c>categories</c>: absent/null → empty; otherwise an array of strings.</summary>
    public IReadOnlyList<string> Categories(string name)
    {
        if (!TryGet(name, out var value))
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Fail(name, $"expected an array of strings or null, found {Describe(value.ValueKind)}");
            return [];
        }

        var list = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                Fail(name, $"expected an array of strings, found an element of type {Describe(item.ValueKind)}");
                return [];
            }

            list.Add(item.GetString()!);
        }

        return list;
    }

    /// <summary><c>metadata</c>: an object (cloned so it outlives the parsed document); null, absent or the
    /// Python-repr string <c>"None"</c> → null.</summary>
    public JsonElement? Metadata(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && value.ValueEquals("None"))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Fail(name, $"expected an object or null, found {Describe(value.ValueKind)}");
            return null;
        }

        return value.Clone();
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "an undefined value",
    };
}
