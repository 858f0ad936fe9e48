using System.Text.Json;
using Pixelated.ZepEmulator.Errors;
using Pixelated.ZepEmulator.Validation;
using Pixelated.ZepEmulator.Wire;

namespace Pixelated.ZepEmulator.Endpoints;

/// <summary>graph.add (POST /graph) and episode read-back.</summary>
internal static class GraphEndpoints
{
    internal const int MaxDataChars = 10_000;
    internal const int MaxSourceDescriptionChars = 500;
    internal const int MaxDocumentIdChars = 100;
    internal static readonly string[] DataTypes = ["text", "json", "message"];

    private sealed record AddDataRequest(
        string? Data,
        string? Type,
        string? UserId,
        string? GraphId,
        string? CreatedAt,
        Dictionary<string, JsonElement>? Metadata,
        string? SourceDescription,
        string? DocumentId);

    public static void MapGraphEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/graph", AddAsync);
        api.MapGet("/graph/episodes/user/{userId}", EpisodeReads.LastN);
        api.MapPost("/graph/episodes/user/{userId}", EpisodeReads.PageAsync).WithMetadata(ReadOnlyEndpoint.Instance);
        api.MapGet("/graph/episodes/{uuid}", GetEpisode);
    }

    /// <summary>202 Episode. A user_id that does not exist answers 404 "not found".</summary>
    private static async Task<IResult> AddAsync(HttpRequest request, EmulatorStore store, TimeProvider clock)
    {
        var (body, error) = await JsonBody.ReadAsync<AddDataRequest>(request);
        if (error is not null)
        {
            return error;
        }

        if (Validate(body!) is { } problem)
        {
            return problem;
        }

        var createdAt = clock.GetUtcNow();
        if (body!.CreatedAt is not null && !ZepJson.TryParseTime(body.CreatedAt, out createdAt))
        {
            return ZepError.BadRequest("created_at must be an RFC3339 timestamp");
        }

        var stored = store.TryAddEpisode(new StoredEpisode
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
        });

        return stored is null
            ? ZepError.NotFound()
            : Results.Json(stored.ToBody(processed: false), ZepJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult? Validate(AddDataRequest body)
    {
        if (body.Data is null)
        {
            return ZepError.BadRequest("data is required");
        }

        if (TextLength.CodePoints(body.Data) > MaxDataChars)
        {
            return ZepError.BadRequest($"data exceeds {MaxDataChars} characters");
        }

        if (body.Type is null || !DataTypes.Contains(body.Type))
        {
            return ZepError.BadRequest("type must be one of text, json, message");
        }

        if (body.Type == "json" && !IsJson(body.Data))
        {
            return ZepError.BadRequest("data is not valid JSON");
        }

        if (string.IsNullOrEmpty(body.UserId) == string.IsNullOrEmpty(body.GraphId))
        {
            return ZepError.BadRequest("exactly one of user_id or graph_id is required");
        }

        if (body.SourceDescription is not null && TextLength.CodePoints(body.SourceDescription) > MaxSourceDescriptionChars)
        {
            return ZepError.BadRequest($"source_description must be at most {MaxSourceDescriptionChars} characters");
        }

        if (body.DocumentId is not null && (body.DocumentId.Length == 0 || TextLength.CodePoints(body.DocumentId) > MaxDocumentIdChars))
        {
            return ZepError.BadRequest($"document_id must be 1 to {MaxDocumentIdChars} characters");
        }

        return MetadataRules.Check(body.Metadata) is { } metadataProblem ? ZepError.BadRequest(metadataProblem) : null;
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
