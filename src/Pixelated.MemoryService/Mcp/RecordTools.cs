using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Pixelated.MemoryService.Application;
using Pixelated.MemoryService.Application.Memory;

namespace Pixelated.MemoryService.Mcp;

/// <summary>
/// Summaries, emotional states and treatment plans: <c>store_*</c> is <see cref="RecordWriter"/> (as <c>POST .../summary</c>
/// and the others); <c>get_*</c> is <see cref="RecordReader"/>, the latest of a session (as <c>GET /api/v1/memory/{sessionId}/...</c>)
/// or of a user across every session and the migrated records (as <c>GET /api/v1/users/{userId}/...</c>).
/// </summary>
[McpServerToolType]
public sealed class RecordTools(ToolCaller caller, RecordWriter writer, RecordReader reader, ToolIdempotency idempotency)
{
    private const string Latest = " Give sessionId for the latest of that session, or userId for the user's latest across every " +
                                  "session (migrated records included); not both.";

    [McpServerTool(Name = "store_summary", Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(RecordStored))]
    [Description("Stores a summary of an open session. Returns the record's id and time.")]
    public async Task<CallToolResult> StoreSummary(
        [Description("The session the summary is of.")] string sessionId,
        [Description("The summary's text.")] string text,
        [Description(ToolIdempotency.Description)] string? idempotencyKey = null,
        CancellationToken ct = default) =>
        await idempotency.RunAsync("store_summary", idempotencyKey, new { sessionId, text }, async () =>
            ToolResults.From(await writer.AddSummaryAsync(caller.Current, sessionId, new SummaryInput(text), ct)), ct);

    [McpServerTool(Name = "store_emotional_state", Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(RecordStored))]
    [Description("Stores the patient's emotional state in an open session: emotions with an intensity from 0 to 1, the context " +
                 "and the triggers. Returns the record's id and time.")]
    public async Task<CallToolResult> StoreEmotionalState(
        [Description("The session the state was observed in.")] string sessionId,
        [Description("Emotions by name, each with an intensity from 0 to 1 (e.g. {\"anxiety\": 0.7}).")] IReadOnlyDictionary<string, double> emotions,
        [Description("What the state happened in, optional.")] string? context = null,
        [Description("What triggered it, optional.")] IReadOnlyList<string>? triggers = null,
        [Description(ToolIdempotency.Description)] string? idempotencyKey = null,
        CancellationToken ct = default) =>
        await idempotency.RunAsync("store_emotional_state", idempotencyKey, new { sessionId, emotions, context, triggers }, async () =>
            ToolResults.From(await writer.AddEmotionalStateAsync(caller.Current, sessionId, new EmotionalStateInput(emotions, context, triggers), ct)), ct);

    [McpServerTool(Name = "store_treatment_plan", Destructive = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(RecordStored))]
    [Description("Stores a treatment plan in an open session: goals, interventions, progress metrics and duration. Returns the " +
                 "record's id and time.")]
    public async Task<CallToolResult> StoreTreatmentPlan(
        [Description("The session the plan was made in.")] string sessionId,
        [Description("The plan's goals (at least one).")] IReadOnlyList<string> goals,
        [Description("The interventions, optional.")] IReadOnlyList<string>? interventions = null,
        [Description("Progress metrics by name, each a string, number or boolean, optional.")] IReadOnlyDictionary<string, JsonElement>? progressMetrics = null,
        [Description("How long the plan runs (e.g. \"12 weeks\"), optional.")] string? duration = null,
        [Description(ToolIdempotency.Description)] string? idempotencyKey = null,
        CancellationToken ct = default) =>
        await idempotency.RunAsync("store_treatment_plan", idempotencyKey, new { sessionId, goals, interventions, progressMetrics, duration }, async () =>
            ToolResults.From(await writer.AddTreatmentPlanAsync(caller.Current, sessionId, new TreatmentPlanInput(goals, interventions, progressMetrics, duration), ct)), ct);

    [McpServerTool(Name = "get_summary", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(RecordView))]
    [Description("Reads the latest session summary." + Latest)]
    public Task<CallToolResult> GetSummary(
        [Description("The session whose latest summary to read.")] string? sessionId = null,
        [Description("The user whose latest summary to read, across sessions.")] string? userId = null,
        CancellationToken ct = default) =>
        LatestAsync(RecordKinds.SessionSummary, sessionId, userId, ct);

    [McpServerTool(Name = "get_emotional_state", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(RecordView))]
    [Description("Reads the latest emotional state." + Latest)]
    public Task<CallToolResult> GetEmotionalState(
        [Description("The session whose latest emotional state to read.")] string? sessionId = null,
        [Description("The user whose latest emotional state to read, across sessions.")] string? userId = null,
        CancellationToken ct = default) =>
        LatestAsync(RecordKinds.EmotionalState, sessionId, userId, ct);

    [McpServerTool(Name = "get_treatment_plan", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(RecordView))]
    [Description("Reads the latest treatment plan." + Latest)]
    public Task<CallToolResult> GetTreatmentPlan(
        [Description("The session whose latest treatment plan to read.")] string? sessionId = null,
        [Description("The user whose latest treatment plan to read, across sessions.")] string? userId = null,
        CancellationToken ct = default) =>
        LatestAsync(RecordKinds.TreatmentPlan, sessionId, userId, ct);

    /// <summary>Exactly one of <paramref name="sessionId"/> and <paramref name="userId"/>; either names what the read is of.</summary>
    private async Task<CallToolResult> LatestAsync(string kind, string? sessionId, string? userId, CancellationToken ct)
    {
        var bySession = !string.IsNullOrEmpty(sessionId);
        var byUser = !string.IsNullOrEmpty(userId);
        if (bySession == byUser) return ToolResults.From(Outcome<RecordView>.Invalid("sessionId", "give sessionId or userId, exactly one"));
        return ToolResults.From(bySession
            ? await reader.LatestInSessionAsync(caller.Current, sessionId!, kind, ct)
            : await reader.LatestForUserAsync(caller.Current, userId!, kind, ct));
    }
}
