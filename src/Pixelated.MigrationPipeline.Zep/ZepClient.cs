using System.Net;
using System.Net.Http.Json;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Zep;

/// <summary>Typed client of the Zep Cloud v3 contract (<c>/api/v2</c>), only what the migration needs.</summary>
public sealed partial class ZepClient(HttpClient http)
{
    private static string Esc(string id) => Uri.EscapeDataString(id);

    /// <summary>Creates a user; returns false when Zep says it already exists.</summary>
    public async Task<bool> CreateUserAsync(CreateUserRequest request, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("users", request, ZepJson.Options, ct);
        if (response.StatusCode == HttpStatusCode.Created || response.StatusCode == HttpStatusCode.OK) return true;
        var error = await ErrorAsync(response, "create user", ct);
        if (error.Kind == ZepOutcomeKind.AlreadyExists) return false;
        throw error;
    }

    public async Task<ZepUser?> GetUserAsync(string userId, CancellationToken ct)
    {
        using var response = await http.GetAsync($"users/{Esc(userId)}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, "get user", ct);
        return await response.Content.ReadFromJsonAsync<ZepUser>(ZepJson.Options, ct);
    }

    /// <summary>Patches a user's profile (PATCH /users/{userId}); returns false when Zep does not know the user.</summary>
    public async Task<bool> UpdateUserAsync(string userId, UpdateUserRequest request, CancellationToken ct)
    {
        using var response = await http.PatchAsJsonAsync($"users/{Esc(userId)}", request, ZepJson.Options, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureAsync(response, "update user", ct);
        return true;
    }

    /// <summary>Creates a thread; returns false when Zep says it already exists.</summary>
    public async Task<bool> CreateThreadAsync(CreateThreadRequest request, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("threads", request, ZepJson.Options, ct);
        if (response.StatusCode == HttpStatusCode.Created || response.StatusCode == HttpStatusCode.OK) return true;
        var error = await ErrorAsync(response, "create thread", ct);
        if (error.Kind == ZepOutcomeKind.AlreadyExists) return false;
        throw error;
    }

    public async Task<AddMessagesResponse> AddMessagesAsync(string threadId, AddMessagesRequest request, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"threads/{Esc(threadId)}/messages", request, ZepJson.Options, ct);
        await EnsureAsync(response, "add messages", ct);
        return (await response.Content.ReadFromJsonAsync<AddMessagesResponse>(ZepJson.Options, ct))!;
    }

    /// <summary>One page of a thread's messages, oldest first; null when the thread does not exist.</summary>
    public async Task<ThreadMessagesResponse?> GetMessagesAsync(string threadId, int limit, int cursor, CancellationToken ct)
    {
        using var response = await http.GetAsync($"threads/{Esc(threadId)}/messages?limit={limit}&cursor={cursor}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, "get messages", ct);
        return await response.Content.ReadFromJsonAsync<ThreadMessagesResponse>(ZepJson.Options, ct);
    }

    /// <summary>Every message of a thread, oldest first (empty when the thread does not exist).</summary>
    public async Task<IReadOnlyList<ZepMessage>> GetAllMessagesAsync(string threadId, CancellationToken ct) =>
        (await GetThreadMessagesAsync(threadId, ct))?.Messages ?? [];

    /// <summary>Every message of a thread, oldest first, and the user who owns it; null when the thread does not exist.</summary>
    public async Task<ThreadMessages?> GetThreadMessagesAsync(string threadId, CancellationToken ct)
    {
        const int pageSize = 100;
        var all = new List<ZepMessage>();
        string? owner = null;
        for (var page = 1; ; page++)
        {
            var response = await GetMessagesAsync(threadId, pageSize, page, ct);
            if (response is null) return page == 1 ? null : new ThreadMessages(owner, all);
            owner ??= response.UserId;
            all.AddRange(response.Messages);
            if (response.Messages.Count < pageSize || all.Count >= response.TotalCount) return new ThreadMessages(owner, all);
        }
    }

    public async Task<ZepEpisode> AddDataAsync(AddDataRequest request, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("graph", request, ZepJson.Options, ct);
        await EnsureAsync(response, "graph add", ct);
        return (await response.Content.ReadFromJsonAsync<ZepEpisode>(ZepJson.Options, ct))!;
    }

    /// <summary>Episodes per <c>POST /graph-batch</c> call (CONTRACT.md §6.1: up to 20, UNCONFIRMED today).</summary>
    public const int MaxEpisodesPerGraphBatch = 20;

    /// <summary>
    /// Deprecated graph.addBatch (<c>POST /graph-batch</c>, 202 with the episodes in order): several episodes of one user
    /// in one call. Null on 404 or 405: the route is not served (or the user is unknown, which graph.add then reports
    /// episode by episode), so the caller falls back to graph.add; nothing was stored either way.
    /// </summary>
    public async Task<IReadOnlyList<ZepEpisode>?> AddDataBatchAsync(AddDataBatchRequest request, CancellationToken ct)
    {
        if (request.Episodes.Count is 0 or > MaxEpisodesPerGraphBatch)
            throw new ArgumentOutOfRangeException(nameof(request), request.Episodes.Count, $"1 to {MaxEpisodesPerGraphBatch} episodes per call");
        using var response = await http.PostAsJsonAsync("graph-batch", request, ZepJson.Options, ct);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed) return null;
        await EnsureAsync(response, "graph add batch", ct);
        return await response.Content.ReadFromJsonAsync<List<ZepEpisode>>(ZepJson.Options, ct) ?? [];
    }

    /// <summary>Every episode of a user's graph, through the paged listing (<c>Zep-Next-Cursor</c>).</summary>
    public async Task<IReadOnlyList<ZepEpisode>> GetAllUserEpisodesAsync(string userId, CancellationToken ct)
    {
        var all = new List<ZepEpisode>();
        string? cursor = null;
        do
        {
            var body = new EpisodeListRequest(Limit: 50, Cursor: cursor, OrderBy: "created_at", Direction: "asc");
            using var response = await http.PostAsJsonAsync($"graph/episodes/user/{Esc(userId)}", body, ZepJson.Options, ct);
            if (response.StatusCode == HttpStatusCode.NotFound) return all;
            await EnsureAsync(response, "list episodes", ct);
            var page = await response.Content.ReadFromJsonAsync<List<ZepEpisode>>(ZepJson.Options, ct) ?? [];
            all.AddRange(page);
            cursor = response.Headers.TryGetValues("Zep-Next-Cursor", out var values) ? values.FirstOrDefault() : null;
            if (page.Count == 0) cursor = null;
        }
        while (!string.IsNullOrEmpty(cursor));
        return all;
    }

    /// <summary>graph.episode.delete (<c>DELETE /graph/episodes/{uuid}</c>); false when Zep does not know the episode (404).</summary>
    public async Task<bool> DeleteEpisodeAsync(string uuid, CancellationToken ct)
    {
        using var response = await http.DeleteAsync($"graph/episodes/{Esc(uuid)}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureAsync(response, "delete episode", ct);
        return true;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string operation, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, operation, ct);
    }

    private static async Task<ZepApiException> ErrorAsync(HttpResponseMessage response, string operation, CancellationToken ct)
    {
        ZepErrorBody? body = null;
        try { body = await response.Content.ReadFromJsonAsync<ZepErrorBody>(ZepJson.Options, ct); }
        catch (System.Text.Json.JsonException) { }
        catch (NotSupportedException) { }
        return new ZepApiException(response.StatusCode, operation, body?.Message, body?.RequestId);
    }
}
