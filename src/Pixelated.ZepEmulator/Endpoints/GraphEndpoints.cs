using System.Text.Json;
using Pixelated.ZepEmulator.Errors;
using Pixelated.ZepEmulator.Validation;
using Pixelated.ZepEmulator.Wire;

namespace Pixelated.ZepEmulator.Endpoints;

/// <summary>graph.add (POST /graph), its deprecated batch form (POST /graph-batch) and episode read-back.</summary>
internal static class GraphEndpoints
{
    internal const int MaxDataChars = 10_000;
    internal const int MaxSourceDescriptionChars = 500;
    internal const int MaxDocumentIdChars = 100;
    internal static readonly string[] DataTypes = ["text", "json", "message"];

    /// <summary>Episodes per <c>POST /graph-batch</c> call (CONTRACT.md §6.1: "up to 20", UNCONFIRMED today; enforced here).</summary>
    internal const int MaxEpisodesPerGraphBatch = 20;

    private sealed record EpisodeData(string? Data, string? Type, string? CreatedAt, Dictionary<string, JsonElement>? Metadata, string? SourceDescription);

    private sealed record AddDataBatchRequest(List<EpisodeData>? Episodes, string? UserId, string? GraphId, string? DocumentId);

    private sealed record AddDataRequest(
        string? Data,
        string? Type,
        string? UserId,
        string? GraphId,
        string? CreatedAt,
        Dictionary<string, JsonElement>? Metadata,
        string? SourceDescription,
        string? DocumentId);

    public static void MapGraphEndpoints(this IEndpointRouteBuilder api, bool graphBatch)
    {
        api.MapPost("/graph", AddAsync);
        if (graphBatch)
        {
            api.MapPost("/graph-batch", AddBatchAsync);
        }

        api.MapGet("/graph/episodes/user/{userId}", EpisodeReads.LastN);
        api.MapPost("/graph/episodes/user/{userId}", EpisodeReads.PageAsync).WithMetadata(ReadOnlyEndpoint.Instance);
        api.MapGet("/graph/episodes/{uuid}", GetEpisode);
        api.MapDelete("/graph/episodes/{uuid}", DeleteEpisode);
    }

    /// <summary>graph.episode.delete: 200 <c>{"message"}</c>; an unknown uuid answers 404 "not found".</summary>
    private static IResult DeleteEpisode(string uuid, EmulatorStore store) =>
        store.DeleteEpisode(uuid) ? Results.Json(new MessageOnlyBody("Episode deleted"), ZepJson.Options) : ZepError.NotFound();

    /// <summary>202 Episode. A user_id that does not exist answers 404 "not found".</summary>
    private static async Task<IResult> AddAsync(HttpRequest request, EmulatorStore store, TimeProvider clock)
    {
        var (body, error) = await JsonBody.ReadAsync<AddDataRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var (problem, createdAt) = Check(body!, clock);
        if (problem is not null)
        {
            return ZepError.BadRequest(problem);
        }

        var stored = store.TryAddEpisode(ToEpisode(body!, createdAt));
        return stored is null
            ? ZepError.NotFound()
            : Results.Json(stored.ToBody(processed: false), ZepJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// Deprecated graph.addBatch: 202 with the added episodes in order. Every episode is checked as graph.add checks it
    /// before any is stored (one bad episode refuses the call); more than <see cref="MaxEpisodesPerGraphBatch"/> → 400;
    /// an unknown user_id → 404 and nothing stored.
    /// </summary>
    private static async Task<IResult> AddBatchAsync(HttpRequest request, EmulatorStore store, TimeProvider clock)
    {
        var (body, error) = await JsonBody.ReadAsync<AddDataBatchRequest>(request);
        if (error is not null)
        {
            return error;
        }

        if (body!.Episodes is not { Count: > 0 and <= MaxEpisodesPerGraphBatch } episodes)
        {
            return ZepError.BadRequest($"episodes must hold 1 to {MaxEpisodesPerGraphBatch} items");
        }

        var toStore = new List<StoredEpisode>(episodes.Count);
        for (var i = 0; i < episodes.Count; i++)
        {
            var e = episodes[i];
            var episode = new AddDataRequest(e.Data, e.Type, body.UserId, body.GraphId, e.CreatedAt, e.Metadata, e.SourceDescription, body.DocumentId);
            var (problem, createdAt) = Check(episode, clock);
            if (problem is not null)
            {
                return ZepError.BadRequest($"episodes[{i}]: {problem}");
            }

            toStore.Add(ToEpisode(episode, createdAt));
        }

        var stored = store.TryAddEpisodes(toStore);
        return stored is null
            ? ZepError.NotFound()
            : Results.Json(stored.Select(e => e.ToBody(processed: false)).ToList(), ZepJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>What is wrong with the episode (the text after "bad request: "), or its creation time.</summary>
    private static (string? Problem, DateTimeOffset CreatedAt) Check(AddDataRequest body, TimeProvider clock)
    {
        if (Validate(body) is { } problem)
        {
            return (problem, default);
        }

        var createdAt = clock.GetUtcNow();
        return body.CreatedAt is not null && !ZepJson.TryParseTime(body.CreatedAt, out createdAt)
            ? ("created_at must be an RFC3339 timestamp", default)
            : (null, createdAt);
    }

    private static StoredEpisode ToEpisode(AddDataRequest body, DateTimeOffset createdAt) => new()
    {
        Uuid = Guid.NewGuid().ToString(),
        UserId = string.IsNullOrEmpty(body.UserId) ? null : body.UserId,
        GraphId = string.IsNullOrEmpty(body.UserId) ? body.GraphId : null,
        Content = body.Data!,
        Type = body.Type!,
        CreatedAt = createdAt,
        Metadata = body.Metadata,
        SourceDescription = body.SourceDescription,
        DocumentId = body.DocumentId,
    };

    private static string? Validate(AddDataRequest body)
    {
        if (body.Data is null)
        {
            return "data is required";
        }

        if (TextLength.CodePoints(body.Data) > MaxDataChars)
        {
            return $"data exceeds {MaxDataChars} characters";
        }

        if (body.Type is null || !DataTypes.Contains(body.Type))
        {
            return "type must be one of text, json, message";
        }

        if (body.Type == "json" && !IsJson(body.Data))
        {
            return "data is not valid JSON";
        }

        if (string.IsNullOrEmpty(body.UserId) == string.IsNullOrEmpty(body.GraphId))
        {
            return "exactly one of user_id or graph_id is required";
        }

        if (body.SourceDescription is not null && TextLength.CodePoints(body.SourceDescription) > MaxSourceDescriptionChars)
        {
            return $"source_description must be at most {MaxSourceDescriptionChars} characters";
        }

        if (body.DocumentId is not null && (body.DocumentId.Length == 0 || TextLength.CodePoints(body.DocumentId) > MaxDocumentIdChars))
        {
            return $"document_id must be 1 to {MaxDocumentIdChars} characters";
        }

        return MetadataRules.Check(body.Metadata);
    }

    internal static bool IsJson(string data)
    {
        try
        {
            using var _ = JsonDocument.Parse(data);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static IResult GetEpisode(string uuid, EmulatorStore store) =>
        store.GetEpisode(uuid) is { } episode ? Results.Json(episode.ToBody(), ZepJson.Options) : ZepError.NotFound();
}
