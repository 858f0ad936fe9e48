using System.Text.Json;
using Pixelated.MemoryService.Application;
using Pixelated.MemoryService.Application.Memory;

namespace Pixelated.MemoryService.Endpoints;

/// <summary>
/// <c>/api/v1/memory/{sessionId}</c>: messages, history and its count, summary, emotional state, treatment plan, stats,
/// deletion. Each route reads its request and hands it to the operation; clinical text only ever travels in bodies.
/// </summary>
public static class MemoryEndpoints
{
    public static RouteGroupBuilder MapMemoryEndpoints(this RouteGroupBuilder api)
    {
        var memory = api.MapGroup("/memory/{sessionId}").WithTags("Memory");

        memory.MapPost("/messages", async (string sessionId, JsonElement body, HttpContext http, MessageWriter writer, CancellationToken ct) =>
        {
            var (messages, field, reason) = MessagesBody.Read(body);
            if (messages is null) return OutcomeResults.Invalid(field!, reason!);
            return (await writer.AddAsync(OutcomeResults.CallerOf(http), sessionId, messages, ct)).ToResult();
        });
        memory.MapGet("/history", async (string sessionId, int? limit, string? cursor, string? order, HttpContext http, HistoryReader reader, CancellationToken ct) =>
            (await reader.ReadAsync(OutcomeResults.CallerOf(http), sessionId, new HistoryQuery(limit, cursor, order), ct)).ToResult());
        memory.MapGet("/history/count", async (string sessionId, HttpContext http, HistoryReader reader, CancellationToken ct) =>
            (await reader.CountAsync(OutcomeResults.CallerOf(http), sessionId, ct)).ToResult());

        memory.MapPost("/summary", async (string sessionId, SummaryInput body, HttpContext http, RecordWriter writer, CancellationToken ct) =>
            (await writer.AddSummaryAsync(OutcomeResults.CallerOf(http), sessionId, body, ct)).ToResult());
        memory.MapPost("/emotional-state", async (string sessionId, EmotionalStateInput body, HttpContext http, RecordWriter writer, CancellationToken ct) =>
            (await writer.AddEmotionalStateAsync(OutcomeResults.CallerOf(http), sessionId, body, ct)).ToResult());
        memory.MapPost("/treatment-plan", async (string sessionId, TreatmentPlanInput body, HttpContext http, RecordWriter writer, CancellationToken ct) =>
            (await writer.AddTreatmentPlanAsync(OutcomeResults.CallerOf(http), sessionId, body, ct)).ToResult());

        MapLatest(memory, "/summary", RecordKinds.SessionSummary);
        MapLatest(memory, "/emotional-state", RecordKinds.EmotionalState);
        MapLatest(memory, "/treatment-plan", RecordKinds.TreatmentPlan);

        memory.MapGet("/stats", async (string sessionId, HttpContext http, MemoryStats stats, CancellationToken ct) =>
            (await stats.ReadAsync(OutcomeResults.CallerOf(http), sessionId, ct)).ToResult());
        memory.MapDelete("/", async (string sessionId, HttpContext http, MemoryDeletion deletion, CancellationToken ct) =>
            (await deletion.DeleteAsync(OutcomeResults.CallerOf(http), sessionId, ct)).ToResult());
        return api;
    }

    private static void MapLatest(RouteGroupBuilder memory, string route, string kind) =>
        memory.MapGet(route, async (string sessionId, HttpContext http, RecordReader reader, CancellationToken ct) =>
            (await reader.LatestInSessionAsync(OutcomeResults.CallerOf(http), sessionId, kind, ct)).ToResult());
}
