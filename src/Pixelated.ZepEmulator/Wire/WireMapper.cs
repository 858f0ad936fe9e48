using System.Text.Json;

namespace Pixelated.ZepEmulator.Wire;

/// <summary>Turns stored objects into response bodies.</summary>
internal static class WireMapper
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoMetadata = new Dictionary<string, JsonElement>();

    public static UserBody ToBody(this StoredUser user, EmulatorStore store) => new(
        user.Uuid,
        user.UserId,
        user.Id,
        store.ProjectUuid,
        user.GraphUuid,
        user.Email,
        user.FirstName,
        user.LastName,
        user.Metadata,
        ZepJson.FormatTime(user.CreatedAt),
        ZepJson.FormatTime(user.UpdatedAt),
        store.CountThreadsOfUser(user.UserId),
        user.DisableDefaultOntology,
        user.TimeZone);

    public static ThreadBody ToBody(this StoredThread thread, EmulatorStore store)
    {
        var user = store.GetUser(thread.UserId);
        return new ThreadBody(
            thread.Uuid,
            thread.ThreadId,
            thread.UserId,
            user?.Uuid ?? string.Empty,
            store.ProjectUuid,
            user?.GraphUuid ?? string.Empty,
            ZepJson.FormatTime(thread.CreatedAt));
    }

    /// <summary>Messages are reported processed on reads: the emulator "processes" instantly.</summary>
    public static MessageBody ToBody(this StoredMessage message) => new(
        message.Uuid,
        ZepJson.FormatTime(message.CreatedAt),
        message.Role,
        message.Name ?? string.Empty,
        message.Content,
        message.Metadata ?? NoMetadata,
        Processed: true);

    /// <param name="processed">false in the 202 answer of graph.add, true on later reads.</param>
    public static EpisodeBody ToBody(this StoredEpisode episode, bool processed = true) => new(
        episode.Uuid,
        episode.Content,
        ZepJson.FormatTime(episode.CreatedAt),
        episode.Type,
        episode.SourceDescription ?? string.Empty,
        episode.Metadata ?? NoMetadata,
        processed,
        episode.DocumentId,
        episode.TaskId);
}
