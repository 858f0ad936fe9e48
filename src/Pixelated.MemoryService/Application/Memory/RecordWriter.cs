using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Pixelated.MemoryService.Access;
using Pixelated.MemoryService.Application.Sessions;
using Pixelated.MemoryService.Auth;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Application.Memory;

/// <summary>
/// Stores summaries, emotional states and treatment plans as the migration stores mem0's structured memories: a
/// <c>type: json</c> episode on the session owner's user graph, data <c>{"kind", "memory", "metadata"}</c>, episode metadata
/// <c>{pxm_key, mem0_kind, session_id, source: "memory-service"}</c>. Only an open session takes records.
/// </summary>
public sealed class RecordWriter(SessionAccess access, SessionDirectory sessions, Guard guard, ZepClient zep, TimeProvider clock)
{
    public const string Source = "memory-service";

    public Task<Outcome<RecordStored>> AddSummaryAsync(Caller caller, string sessionId, SummaryInput input, CancellationToken ct) =>
        AddAsync(caller, sessionId, RecordContent.From(input), ct);

    public Task<Outcome<RecordStored>> AddEmotionalStateAsync(Caller caller, string sessionId, EmotionalStateInput input, CancellationToken ct) =>
        AddAsync(caller, sessionId, RecordContent.From(input), ct);

    public Task<Outcome<RecordStored>> AddTreatmentPlanAsync(Caller caller, string sessionId, TreatmentPlanInput input, CancellationToken ct) =>
        AddAsync(caller, sessionId, RecordContent.From(input), ct);

    private async Task<Outcome<RecordStored>> AddAsync(Caller caller, string sessionId,
        (RecordContent? Content, string? Field, string? Reason) validated, CancellationToken ct)
    {
        const string action = MemoryActions.AddRecord;
        var (session, refusal) = await access.EnterAsync<RecordStored>(caller, sessionId, Operation.WriteClinical, action, ct);
        if (refusal is not null) return refusal;
        var owner = session!.UserId;
        if (validated.Content is not { } content)
            return await guard.RecordAsync(caller, action, owner, sessionId, Outcome<RecordStored>.Invalid(validated.Field!, validated.Reason!), ct);
        var data = content.Data();
        if (data.Length > UserPlanner.MaxEpisodeChars)
            return await guard.RecordAsync(caller, action, owner, sessionId, Outcome<RecordStored>.Invalid(
                content.Kind == RecordKinds.SessionSummary ? "text" : "body",
                $"the record is over Zep's {UserPlanner.MaxEpisodeChars.ToString("N0", CultureInfo.InvariantCulture)} characters per episode"), ct);
        if (session.WriteRefusal is { } reason)
            return await guard.RecordAsync(caller, action, owner, sessionId, Outcome<RecordStored>.Conflict(reason), ct);

        var createdAt = UserPlanner.Rfc3339(clock.GetUtcNow())!;
        var metadata = new JsonObject
        {
            [IdempotencyKey.MetadataKey] = IdempotencyKey.Hash("memory-service-record", sessionId, content.Kind, Guid.NewGuid().ToString("N")),
            ["mem0_kind"] = content.Kind,
            ["session_id"] = sessionId,
            ["source"] = Source,
        };
        ZepEpisode episode;
        try
        {
            episode = await zep.AddDataAsync(new AddDataRequest(data, "json", owner, createdAt, metadata, "memory service"), ct);
        }
        catch (ZepApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return await guard.RecordAsync(caller, action, owner, sessionId, Outcome<RecordStored>.NotFound("the session's user is not in Zep"), ct);
        }
        await sessions.TouchAsync(sessionId, ct);
        var stored = new RecordStored(sessionId, content.Kind, episode.Uuid, episode.CreatedAt ?? createdAt);
        return await guard.RecordAsync(caller, action, owner, sessionId, Outcome<RecordStored>.Created(stored), ct);
    }
}
