using System.Net;
using System.Net.Http.Json;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Zep;

// The newest end of a thread, for the memory service's newest-first history and stats (CONTRACT.md §4.2).
public sealed partial class ZepClient
{
    /// <summary>
    /// <c>GET /threads/{threadId}/messages?lastn=N</c>: the thread's N most recent messages, oldest first, with the thread's
    /// total count and owner; null when the thread does not exist.
    /// </summary>
    public async Task<ThreadMessagesResponse?> GetLastMessagesAsync(string threadId, int lastN, CancellationToken ct)
    {
        using var response = await http.GetAsync($"threads/{Esc(threadId)}/messages?lastn={Math.Max(lastN, 1)}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, "get last messages", ct);
        return await response.Content.ReadFromJsonAsync<ThreadMessagesResponse>(ZepJson.Options, ct);
    }
}
