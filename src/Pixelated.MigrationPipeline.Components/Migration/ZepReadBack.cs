using System.Text.Json.Nodes;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>What Zep already holds for one user, by idempotency key; read lazily and once per user or thread.</summary>
public sealed class ZepReadBack(ZepClient zep, string userKey)
{
    private Dictionary<string, string>? _episodes;
    private IReadOnlyList<ZepEpisode>? _all;
    private readonly Dictionary<string, (string? Owner, Dictionary<string, string?> Messages)> _threads = new(StringComparer.Ordinal);

    public async Task<bool> HasEpisodeAsync(string key, CancellationToken ct) => (await EpisodesAsync(ct)).ContainsKey(key);

    /// <summary>The user's episodes that carry one of our keys: key → Zep's episode uuid (the first listed, when several carry it).</summary>
    public async Task<IReadOnlyDictionary<string, string>> EpisodesAsync(CancellationToken ct)
    {
        if (_episodes is null)
        {
            _episodes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var episode in await AllEpisodesAsync(ct))
                if (KeyOf(episode.Metadata) is { } key) _episodes.TryAdd(key, episode.Uuid);
        }
        return _episodes;
    }

    /// <summary>All of the user's episodes (one paged listing, shared with <see cref="EpisodesAsync"/>).</summary>
    public async Task<IReadOnlyList<ZepEpisode>> AllEpisodesAsync(CancellationToken ct) => _all ??= await zep.GetAllUserEpisodesAsync(userKey, ct);

    /// <summary>The thread's messages that carry one of our keys: key → Zep's message uuid.</summary>
    public async Task<IReadOnlyDictionary<string, string?>> ThreadMessagesAsync(string threadId, CancellationToken ct) =>
        (await ThreadAsync(threadId, ct)).Messages;

    /// <summary>
    /// The user who owns the thread (null when it does not exist). Read with the whole thread, so the owner check of a
    /// thread Zep already held and the reconciliation of its messages that follows cost one read between them.
    /// </summary>
    public async Task<string?> ThreadOwnerAsync(string threadId, CancellationToken ct) => (await ThreadAsync(threadId, ct)).Owner;

    private async Task<(string? Owner, Dictionary<string, string?> Messages)> ThreadAsync(string threadId, CancellationToken ct)
    {
        if (!_threads.TryGetValue(threadId, out var thread))
        {
            var read = await zep.GetThreadMessagesAsync(threadId, ct);
            thread = (read?.UserId, new Dictionary<string, string?>(StringComparer.Ordinal));
            foreach (var message in read?.Messages ?? [])
                if (KeyOf(message.Metadata) is { } key) thread.Messages.TryAdd(key, message.Uuid);
            _threads[threadId] = thread;
        }
        return thread;
    }

    public static string? KeyOf(JsonObject? metadata) =>
        metadata is not null && metadata.TryGetPropertyValue(IdempotencyKey.MetadataKey, out var node) && node is JsonValue v
            && v.TryGetValue<string>(out var s) ? s : null;
}
