using System.Text.Json.Nodes;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>What Zep already holds for one user, by idempotency key; read lazily and once per user or thread.</summary>
public sealed class ZepReadBack(ZepClient zep, string userKey)
{
    private HashSet<string>? _episodeKeys;
    private readonly Dictionary<string, HashSet<string>> _threadKeys = new(StringComparer.Ordinal);

    public async Task<bool> HasEpisodeAsync(string key, CancellationToken ct)
    {
        _episodeKeys ??= (await zep.GetAllUserEpisodesAsync(userKey, ct)).Select(e => KeyOf(e.Metadata)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return _episodeKeys.Contains(key);
    }

    public async Task<IReadOnlySet<string>> ThreadMessageKeysAsync(string threadId, CancellationToken ct)
    {
        if (!_threadKeys.TryGetValue(threadId, out var keys))
        {
            keys = (await zep.GetAllMessagesAsync(threadId, ct)).Select(m => KeyOf(m.Metadata)).OfType<string>().ToHashSet(StringComparer.Ordinal);
            _threadKeys[threadId] = keys;
        }
        return keys;
    }

    public static string? KeyOf(JsonObject? metadata) =>
        metadata is not null && metadata.TryGetPropertyValue(IdempotencyKey.MetadataKey, out var node) && node is JsonValue v
            && v.TryGetValue<string>(out var s) ? s : null;
}
