using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>
/// Reads typed fields from one JSON record and remembers the first problem (field name + reason).
/// Every accessor takes one name or several alternatives (snake_case / camelCase spellings): the first one present
/// and non-null is used, and a failure names that one (or the first alternative when none is present).
/// Reasons describe types and presence only, never values: record content may be health data.
/// </summary>
internal sealed class FieldReader(JsonElement record)
{
    private readonly PropertyIndex _properties = new(record);

    public string? FailedField { get; private set; }

    public string? FailureReason { get; private set; }

    public bool Failed => FailedField is not null;

    /// <summary>
    /// True when the record is a JSON object; otherwise records it as failed ("record is a string, expected an object")
    /// and returns false, so that a mapper can stop there.
    /// </summary>
    public static bool IsObject(JsonElement record, SourcePosition position, ICollection<ReadOutcome> output, string what = "record")
    {
        if (record.ValueKind == JsonValueKind.Object) return true;
        output.Add(new RecordFailed(position, null, $"{what} is {Describe(record.ValueKind)}, expected an object"));
        return false;
    }

    public void Fail(string field, string reason)
    {
        if (!Failed)
        {
            FailedField = field;
            FailureReason = reason;
        }
    }

    private bool TryGet(string[] names, out string name, out JsonElement value)
    {
        foreach (var n in names)
        {
            if (TryFind(n, out value) && value.ValueKind != JsonValueKind.Null)
            {
                name = n;
                return true;
            }
        }

        name = names[0];
        value = default;
        return false;
    }

    private bool TryFind(string name, out JsonElement value) => _properties.TryFind(name, out value);

    /// <summary>True when any of the names is present (even as null).</summary>
    public bool Has(params string[] names) => names.Any(n => TryFind(n, out _));

    /// <summary>A string that must be present, non-null and not blank.</summary>
    public string? RequiredString(params string[] names) => RequiredString(names, "required field is missing or null");

    public string? RequiredString(string[] names, string missingReason)
    {
        if (!TryGet(names, out var name, out var value))
        {
            Fail(name, missingReason);
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Fail(name, $"expected a string, found {Describe(value.ValueKind)}");
            return null;
        }

        var text = GetString(value, name);
        if (text is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            Fail(name, "required field is empty");
            return null;
        }

        return text;
    }

    /// <summary>A string that may be absent or null; wrong type is a failure.</summary>
    public string? OptionalString(params string[] names)
    {
        if (!TryGet(names, out var name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Fail(name, $"expected a string or null, found {Describe(value.ValueKind)}");
            return null;
        }

        return GetString(value, name);
    }

    private string? GetString(JsonElement value, string name)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            Fail(name, "string is not valid UTF-8");
            return null;
        }
    }

    /// <summary>An opaque id: a string or a JSON number (kept as its literal text).</summary>
    public string? Id(string name, bool required = true) => Id([name], required);

    public string? Id(string[] names, bool required = true)
    {
        if (!TryGet(names, out var name, out var value))
        {
            if (required)
            {
                Fail(name, "required field is missing or null");
            }

            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = GetString(value, name);
                if (text is not null && string.IsNullOrWhiteSpace(text))
                {
                    Fail(name, "id is empty");
                    return null;
                }

                return text;
            case JsonValueKind.Number:
                return value.GetRawText();
            default:
                Fail(name, $"expected a string or number id, found {Describe(value.ValueKind)}");
                return null;
        }
    }

    /// <summary>Same as <see cref="Id(string, bool)"/> but never records a failure (used to attribute failed records).</summary>
    public static string? PeekId(JsonElement record, params string[] names)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in names)
        {
            if (record.TryGetProperty(name, out var v))
            {
                try
                {
                    return v.ValueKind switch
                    {
                        JsonValueKind.String => v.GetString(),
                        JsonValueKind.Number => v.GetRawText(),
                        _ => null,
                    };
                }
                catch (InvalidOperationException)
                {
                    return null;
                }
            }
        }

        return null;
    }

    /// <summary>A timestamp (ISO string or epoch seconds number), normalised to UTC.</summary>
    public DateTimeOffset? Timestamp(string name, bool required) => Timestamp([name], required);

    public DateTimeOffset? Timestamp(string[] names, bool required)
    {
        if (!TryGet(names, out var name, out var value))
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

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var n) && n < 0)
        {
            Fail(name, "negative epoch seconds are not a valid mem0 timestamp");
            return null;
        }

        bool ok;
        DateTimeOffset utc;
        try
        {
            ok = Mem0Timestamp.TryParse(value, out utc);
        }
        catch (InvalidOperationException)
        {
            Fail(name, "string is not valid UTF-8");
            return null;
        }

        if (!ok)
        {
            Fail(name, "value is not a recognised timestamp");
            return null;
        }

        return utc;
    }

    /// <summary><c>categories</c>: absent/null → empty; otherwise an array of strings.</summary>
    public IReadOnlyList<string> Categories(params string[] names)
    {
        if (!TryGet(names, out var name, out var value))
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

            var text = GetString(item, name);
            if (text is null)
            {
                return [];
            }

            list.Add(text);
        }

        return list;
    }

    /// <summary><c>metadata</c>: an object (cloned so it outlives the parsed document); null, absent or the
    /// Python-repr string <c>"None"</c> → null.</summary>
    public JsonElement? Metadata(params string[] names)
    {
        if (!TryGet(names, out var name, out var value))
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

    public static string Describe(JsonValueKind kind) => JsonKinds.Describe(kind);
}
