using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pixelated.MigrationPipeline.Components.Conversion;

namespace Pixelated.MemoryService.Application.Memory;

/// <summary>
/// A record as it is stored: its kind, a readable one-paragraph text (the episode's <c>memory</c>, what search and people
/// read) and its structured fields (the episode's <c>metadata</c>, with <c>type</c> = the kind as mem0's metadata had it).
/// Each <c>From</c> validates its input and names the first bad field.
/// </summary>
public sealed record RecordContent(string Kind, string Text, JsonObject Fields)
{
    /// <summary>The episode data, <c>{"kind", "memory", "metadata"}</c>, written as the migration writes a structured memory's.</summary>
    public string Data()
    {
        var json = new StringBuilder("{\"kind\":");
        ReadableJson.AppendString(json, Kind);
        json.Append(",\"memory\":");
        ReadableJson.AppendString(json, Text);
        json.Append(",\"metadata\":");
        ReadableJson.AppendValue(json, JsonSerializer.SerializeToElement(Fields));
        return json.Append('}').ToString();
    }

    public static (RecordContent? Content, string? Field, string? Reason) From(SummaryInput input)
    {
        if (string.IsNullOrWhiteSpace(input.Text)) return (null, "text", "must not be empty");
        var text = input.Text.Trim();
        return (new RecordContent(RecordKinds.SessionSummary, text, new JsonObject { ["type"] = RecordKinds.SessionSummary }), null, null);
    }

    public static (RecordContent? Content, string? Field, string? Reason) From(EmotionalStateInput input)
    {
        if (input.Emotions is null || input.Emotions.Count == 0) return (null, "emotions", "must name at least one emotion");
        var emotions = new JsonObject();
        foreach (var (name, intensity) in input.Emotions)
        {
            if (string.IsNullOrWhiteSpace(name)) return (null, "emotions", "an emotion's name must not be empty");
            if (double.IsNaN(intensity) || intensity is < 0 or > 1) return (null, $"emotions.{name}", "the intensity must be from 0 to 1");
            emotions[name] = intensity;
        }
        if (Blank(input.Triggers) is { } t) return (null, $"triggers[{t}]", "must not be empty");

        var fields = new JsonObject { ["type"] = RecordKinds.EmotionalState, ["emotions"] = emotions };
        var text = new StringBuilder("Emotional state: ")
            .AppendJoin(", ", input.Emotions.Select(e => $"{e.Key} {e.Value.ToString("0.##", CultureInfo.InvariantCulture)}")).Append('.');
        if (!string.IsNullOrWhiteSpace(input.Context))
        {
            fields["context"] = input.Context.Trim();
            text.Append(" Context: ").Append(input.Context.Trim()).Append('.');
        }
        if (input.Triggers is { Count: > 0 } triggers)
        {
            fields["triggers"] = Array(triggers);
            text.Append(" Triggers: ").AppendJoin(", ", triggers.Select(x => x.Trim())).Append('.');
        }
        return (new RecordContent(RecordKinds.EmotionalState, text.ToString(), fields), null, null);
    }

    public static (RecordContent? Content, string? Field, string? Reason) From(TreatmentPlanInput input)
    {
        if (input.Goals is null || input.Goals.Count == 0) return (null, "goals", "must name at least one goal");
        if (Blank(input.Goals) is { } g) return (null, $"goals[{g}]", "must not be empty");
        if (Blank(input.Interventions) is { } i) return (null, $"interventions[{i}]", "must not be empty");

        var fields = new JsonObject { ["type"] = RecordKinds.TreatmentPlan, ["goals"] = Array(input.Goals) };
        var text = new StringBuilder("Treatment plan. Goals: ").AppendJoin("; ", input.Goals.Select(x => x.Trim())).Append('.');
        if (input.Interventions is { Count: > 0 } interventions)
        {
            fields["interventions"] = Array(interventions);
            text.Append(" Interventions: ").AppendJoin("; ", interventions.Select(x => x.Trim())).Append('.');
        }
        if (input.ProgressMetrics is { Count: > 0 } metrics)
        {
            var stored = new JsonObject();
            foreach (var (name, value) in metrics)
            {
                if (string.IsNullOrWhiteSpace(name)) return (null, "progressMetrics", "a metric's name must not be empty");
                if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                    return (null, $"progressMetrics.{name}", "must be a string, a number or a boolean");
                stored[name] = JsonNode.Parse(value.GetRawText());
            }
            fields["progressMetrics"] = stored;
            text.Append(" Progress metrics: ")
                .AppendJoin(", ", metrics.Select(m => $"{m.Key} = {(m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString() : m.Value.GetRawText())}"))
                .Append('.');
        }
        if (!string.IsNullOrWhiteSpace(input.Duration))
        {
            fields["duration"] = input.Duration.Trim();
            text.Append(" Duration: ").Append(input.Duration.Trim()).Append('.');
        }
        return (new RecordContent(RecordKinds.TreatmentPlan, text.ToString(), fields), null, null);
    }

    private static int? Blank(IReadOnlyList<string>? items)
    {
        if (items is null) return null;
        for (var i = 0; i < items.Count; i++)
            if (string.IsNullOrWhiteSpace(items[i])) return i;
        return null;
    }

    private static JsonArray Array(IEnumerable<string> items) => new(items.Select(x => (JsonNode?)JsonValue.Create(x.Trim())).ToArray());
}
