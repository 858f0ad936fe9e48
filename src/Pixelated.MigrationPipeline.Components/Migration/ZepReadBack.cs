using System.Text.Json.Nodes;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>What Zep already holds for one user, by idempotency key; read lazily and once per user or thread.</summary>
public sealed class ZepReadBack(ZepClient zep, string userKey)
{
    private Dictionary<string, string>? _episodes;
    private readonly Dictionary<string, Dictionary<string, string?>> _threads = new(StringComparer.Ordinal);

    public async Task<bool> HasEpisodeAsync(string key, CancellationToken ct) => (await EpisodesAsync(ct)).ContainsKey(key);

    /// <summary>The user's episodes that carry one of our keys: key → Zep's episode uuid (the first listed, when several carry it).</summary>
    public async Task<IReadOnlyDictionary<string, string>> EpisodesAsync(CancellationToken ct)
    {
        if (_episodes is null)
        {
            _episodes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var episode in await zep.GetAllUserEpisodesAsync(userKey, ct))
                if (KeyOf(episode.Metadata) is { } key) _episodes.TryAdd(key, episode.Uuid);
        }
        return _episodes;
    }

    /// <summary>The thread's messages that carry one of our keys: key → Zep's message uuid.</summary>
    public async Task<IReadOnlyDictionary<string, string?>> ThreadMessagesAsync(string threadId, CancellationToken ct)
    {
        if (!_threads.TryGetValue(threadId, out var messages))
        {
            messages = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var message in await zep.GetAllMessagesAsync(threadId, ct))
                if (KeyOf(message.Metadata) is { } key) messages.TryAdd(key, message.Uuid);
            _threads[threadId] = messages;
        }
        return messages;
    }

    public static string? KeyOf(JsonObject? metadata) =>
        metadata is not null && metadata.TryGetPropertyValue(IdempotencyKey.MetadataKey, out var node) && node is JsonValue v
            && v.TryGetValue<string>(out var s) ? s : null;
}
