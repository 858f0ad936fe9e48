using System.Text.Json;

namespace Pixelated.MemoryService.Application.Memory;

/// <summary>A session summary: its text.</summary>
public sealed record SummaryInput(string? Text);

/// <summary>An emotional state: emotions by name with an intensity 0..1, what it happened in, what triggered it.</summary>
public sealed record EmotionalStateInput(IReadOnlyDictionary<string, double>? Emotions, string? Context = null, IReadOnlyList<string>? Triggers = null);

/// <summary>A treatment plan: goals, interventions, progress metrics by name (a string, number or boolean each), its duration.</summary>
public sealed record TreatmentPlanInput(
    IReadOnlyList<string>? Goals,
    IReadOnlyList<string>? Interventions = null,
    IReadOnlyDictionary<string, JsonElement>? ProgressMetrics = null,
    string? Duration = null);

/// <summary>A stored record's answer: ids and its time only (kept by the idempotency store, so never content).</summary>
public sealed record RecordStored(string SessionId, string Kind, string RecordId, string CreatedAt);
