using System.Net;
using System.Net.Http.Json;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Zep;

// The calls the memory service makes beyond what the migration needs: deleting users and threads, a user's threads,
// and one page of a user's episodes in either order (CONTRACT.md §2, §3, §6.2).
public sealed partial class ZepClient
{
    /// <summary><c>DELETE /users/{userId}</c>: the user with its threads and graph; false when Zep does not know the user (404).</summary>
    public async Task<bool> DeleteUserAsync(string userId, CancellationToken ct)
    {
        using var response = await http.DeleteAsync($"users/{Esc(userId)}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureAsync(response, "delete user", ct);
        return true;
    }

    /// <summary><c>DELETE /threads/{threadId}</c>: the thread and its messages; false when Zep does not know the thread (404).</summary>
    public async Task<bool> DeleteThreadAsync(string threadId, CancellationToken ct)
    {
        using var response = await http.DeleteAsync($"threads/{Esc(threadId)}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureAsync(response, "delete thread", ct);
        return true;
    }

    /// <summary><c>GET /users/{userId}/threads</c> (a bare array); empty when the user has none.</summary>
    public async Task<IReadOnlyList<ZepThread>> GetUserThreadsAsync(string userId, CancellationToken ct)
    {
        using var response = await http.GetAsync($"users/{Esc(userId)}/threads", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return [];
        await EnsureAsync(response, "list user threads", ct);
        return await response.Content.ReadFromJsonAsync<List<ZepThread>>(ZepJson.Options, ct) ?? [];
    }

    /// <summary>
    /// One page (≤ 50) of a user's episodes by <c>created_at</c>, newest first when <paramref name="newestFirst"/>, and the
    /// cursor of the next page (null after the last). An unknown user reads as an empty last page.
    /// </summary>
    public async Task<EpisodePage> GetUserEpisodesPageAsync(string userId, bool newestFirst, string? cursor, int limit, CancellationToken ct)
    {
        var body = new EpisodeListRequest(Limit: Math.Clamp(limit, 1, 50), Cursor: cursor, OrderBy: "created_at", Direction: newestFirst ? "desc" : "asc");
        using var response = await http.PostAsJsonAsync($"graph/episodes/user/{Esc(userId)}", body, ZepJson.Options, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return new EpisodePage([], null);
        await EnsureAsync(response, "list episodes", ct);
        var page = await response.Content.ReadFromJsonAsync<List<ZepEpisode>>(ZepJson.Options, ct) ?? [];
        var next = response.Headers.TryGetValues("Zep-Next-Cursor", out var values) ? values.FirstOrDefault() : null;
        return new EpisodePage(page, page.Count == 0 || string.IsNullOrEmpty(next) ? null : next);
    }
}
