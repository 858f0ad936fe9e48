using System.Runtime.CompilerServices;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Application.Memory;

/// <summary>Walks a user's graph episodes page by page (≤ 50 each) by <c>created_at</c>, so nothing depends on one page holding them all.</summary>
public static class UserEpisodes
{
    public static async IAsyncEnumerable<ZepEpisode> ReadAsync(ZepClient zep, string userId, bool newestFirst, [EnumeratorCancellation] CancellationToken ct)
    {
        string? cursor = null;
        do
        {
            var page = await zep.GetUserEpisodesPageAsync(userId, newestFirst, cursor, 50, ct);
            foreach (var episode in page.Episodes) yield return episode;
            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    /// <summary>The record kind of an episode (<c>mem0_kind</c>), or null for any other episode.</summary>
    public static string? KindOf(ZepEpisode episode) => MetadataText.Of(episode.Metadata, "mem0_kind");

    /// <summary>The session a record was written in (<c>session_id</c>); null for a migrated record.</summary>
    public static string? SessionOf(ZepEpisode episode) => MetadataText.Of(episode.Metadata, "session_id");
}
