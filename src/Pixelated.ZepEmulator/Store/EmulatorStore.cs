using System.Collections.Concurrent;

namespace Pixelated.ZepEmulator;

/// <summary>
/// The emulator's in-memory data. Every member is thread-safe: one lock guards the data,
/// and read helpers return snapshots that later writes do not change.
/// </summary>
public sealed partial class EmulatorStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredUser> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredThread> _threads = new(StringComparer.Ordinal);
    /// <summary>Each user's thread ids: user reads (thread counts, listings) no longer scan every thread of the project.</summary>
    private readonly Dictionary<string, HashSet<string>> _threadIdsByUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<StoredMessage>> _messagesByThread = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<StoredEpisode>> _episodesByUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<StoredEpisode>> _episodesByGraph = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredEpisode> _episodesByUuid = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<int, long> _requestsByStatus = new();
    private readonly ConcurrentDictionary<string, long> _requestsByRoute = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _faultsByKind = new(StringComparer.Ordinal);
    private long _nextUserId;
    private long _nextSequence;

    /// <summary>The project every stored object belongs to (one API key = one project).</summary>
    public string ProjectUuid { get; private set; } = Guid.NewGuid().ToString();

    // ---- read helpers (snapshots) ----

    public bool UserExists(string userId)
    {
        lock (_gate)
        {
            return _users.ContainsKey(userId);
        }
    }

    public StoredUser? GetUser(string userId)
    {
        lock (_gate)
        {
            return _users.GetValueOrDefault(userId);
        }
    }

    /// <summary>All users in creation order.</summary>
    public IReadOnlyList<StoredUser> GetUsers()
    {
        lock (_gate)
        {
            return _users.Values.OrderBy(u => u.Id).ToArray();
        }
    }

    public StoredThread? GetThread(string threadId)
    {
        lock (_gate)
        {
            return _threads.GetValueOrDefault(threadId);
        }
    }

    /// <summary>All threads in creation order.</summary>
    public IReadOnlyList<StoredThread> GetThreads()
    {
        lock (_gate)
        {
            return _threads.Values.OrderBy(t => t.Sequence).ToArray();
        }
    }

    /// <summary>The user's thread ids in creation order (empty for an unknown user).</summary>
    public IReadOnlyList<string> GetThreadIds(string userId) =>
        GetThreadsOfUser(userId)?.Select(t => t.ThreadId).ToArray() ?? [];

    /// <summary>The user's threads in creation order, or null when the user does not exist.</summary>
    public IReadOnlyList<StoredThread>? GetThreadsOfUser(string userId)
    {
        lock (_gate)
        {
            if (!_users.ContainsKey(userId))
            {
                return null;
            }

            return ThreadIdsOf(userId).Select(id => _threads[id]).OrderBy(t => t.Sequence).ToArray();
        }
    }

    /// <summary>The thread's messages in insertion order (empty for an unknown thread).</summary>
    public IReadOnlyList<StoredMessage> GetMessages(string threadId) => GetMessagesOrNull(threadId) ?? [];

    /// <summary>The thread's messages in insertion order, or null when the thread does not exist.</summary>
    public IReadOnlyList<StoredMessage>? GetMessagesOrNull(string threadId)
    {
        lock (_gate)
        {
            return _messagesByThread.TryGetValue(threadId, out var list) ? list.ToArray() : null;
        }
    }

    /// <summary>The user's graph episodes in insertion order (empty for an unknown user).</summary>
    public IReadOnlyList<StoredEpisode> GetEpisodes(string userId) => GetEpisodesOrNull(userId) ?? [];

    /// <summary>The user's graph episodes in insertion order, or null when the user does not exist.</summary>
    public IReadOnlyList<StoredEpisode>? GetEpisodesOrNull(string userId)
    {
        lock (_gate)
        {
            if (!_users.ContainsKey(userId))
            {
                return null;
            }

            return _episodesByUser.TryGetValue(userId, out var list) ? list.ToArray() : [];
        }
    }

    /// <summary>Episodes of a standalone graph (graph_id) in insertion order.</summary>
    public IReadOnlyList<StoredEpisode> GetGraphEpisodes(string graphId)
    {
        lock (_gate)
        {
            return _episodesByGraph.TryGetValue(graphId, out var list) ? list.ToArray() : [];
        }
    }

    /// <summary>Removes one episode (of a user graph or a standalone graph); false when no episode has that uuid.</summary>
    public bool DeleteEpisode(string uuid)
    {
        lock (_gate)
        {
            if (!_episodesByUuid.Remove(uuid, out var episode))
            {
                return false;
            }

            var owner = episode.UserId is { } userId ? _episodesByUser.GetValueOrDefault(userId) : _episodesByGraph.GetValueOrDefault(episode.GraphId ?? string.Empty);
            owner?.Remove(episode);
            return true;
        }
    }

    public StoredEpisode? GetEpisode(string uuid)
    {
        lock (_gate)
        {
            return _episodesByUuid.GetValueOrDefault(uuid);
        }
    }

    public int CountThreadsOfUser(string userId)
    {
        lock (_gate)
        {
            return ThreadIdsOf(userId).Count;
        }
    }

    // Under _gate.
    private IReadOnlyCollection<string> ThreadIdsOf(string userId) =>
        _threadIdsByUser.TryGetValue(userId, out var ids) ? ids : [];

    // Under _gate.
    private void IndexThread(StoredThread thread)
    {
        if (!_threadIdsByUser.TryGetValue(thread.UserId, out var ids)) _threadIdsByUser[thread.UserId] = ids = new(StringComparer.Ordinal);
        ids.Add(thread.ThreadId);
    }

    public EmulatorStats GetStats()
    {
        // Taken before _gate: the batch lock may be held while _gate is taken, never the other way round.
        var batches = CountBatches();
        lock (_gate)
        {
            var requests = _requestsByStatus
                .OrderBy(kv => kv.Key)
                .ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value);
            var faults = EmulatorFaultKinds.All.ToDictionary(k => k, k => _faultsByKind.GetValueOrDefault(k), StringComparer.Ordinal);
            return new EmulatorStats(
                _users.Count,
                _threads.Count,
                _messagesByThread.Values.Sum(l => l.Count),
                _episodesByUuid.Count,
                requests)
            {
                Faults = faults,
                RequestsByRoute = _requestsByRoute.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
                Batches = batches,
            };
        }
    }

    // ---- mutations used by the endpoints ----

    public long NextUserId() => Interlocked.Increment(ref _nextUserId);

    /// <summary>Adds the user; false when a user with the same user_id exists.</summary>
    public bool TryAddUser(StoredUser user)
    {
        lock (_gate)
        {
            return _users.TryAdd(user.UserId, user);
        }
    }

    /// <summary>Replaces the user with <paramref name="update"/>(current); null when it does not exist.</summary>
    public StoredUser? UpdateUser(string userId, Func<StoredUser, StoredUser> update)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var current))
            {
                return null;
            }

            var updated = update(current);
            _users[userId] = updated;
            return updated;
        }
    }

    /// <summary>Deletes the user with its threads, messages and episodes; false when it does not exist.</summary>
    public bool DeleteUser(string userId)
    {
        lock (_gate)
        {
            if (!_users.Remove(userId))
            {
                return false;
            }

            if (_threadIdsByUser.Remove(userId, out var threadIds))
            {
                foreach (var threadId in threadIds)
                {
                    _threads.Remove(threadId);
                    _messagesByThread.Remove(threadId);
                }
            }

            if (_episodesByUser.Remove(userId, out var episodes))
            {
                foreach (var episode in episodes)
                {
                    _episodesByUuid.Remove(episode.Uuid);
                }
            }

            return true;
        }
    }

    public ThreadCreateOutcome TryAddThread(StoredThread thread)
    {
        lock (_gate)
        {
            if (_threads.ContainsKey(thread.ThreadId))
            {
                return ThreadCreateOutcome.AlreadyExists;
            }

            if (!_users.ContainsKey(thread.UserId))
            {
                return ThreadCreateOutcome.UnknownUser;
            }

            _threads.Add(thread.ThreadId, thread with { Sequence = ++_nextSequence });
            IndexThread(thread);
            _messagesByThread.Add(thread.ThreadId, []);
            return ThreadCreateOutcome.Created;
        }
    }

    /// <summary>Deletes the thread and its messages; false when it does not exist.</summary>
    public bool DeleteThread(string threadId)
    {
        lock (_gate)
        {
            _messagesByThread.Remove(threadId);
            if (!_threads.Remove(threadId, out var thread)) return false;
            if (_threadIdsByUser.TryGetValue(thread.UserId, out var ids)) ids.Remove(threadId);
            return true;
        }
    }

    /// <summary>Appends the messages (no de-duplication); false when the thread does not exist.</summary>
    public bool TryAddMessages(string threadId, IEnumerable<StoredMessage> messages)
    {
        lock (_gate)
        {
            if (!_messagesByThread.TryGetValue(threadId, out var list))
            {
                return false;
            }

            list.AddRange(messages);
            return true;
        }
    }

    /// <summary>
    /// Appends the episode (no de-duplication) and returns it with its sequence number;
    /// null when it targets a user that does not exist.
    /// </summary>
    public StoredEpisode? TryAddEpisode(StoredEpisode episode) => TryAddEpisodes([episode])?[0];

    /// <summary>Adds the episodes in order, all or none: null (nothing added) when one names a user that does not exist.</summary>
    public IReadOnlyList<StoredEpisode>? TryAddEpisodes(IReadOnlyList<StoredEpisode> episodes)
    {
        lock (_gate)
        {
            if (episodes.Any(e => e.UserId is { } id && !_users.ContainsKey(id)))
            {
                return null;
            }

            return episodes.Select(AddEpisodeLocked).ToList();
        }
    }

    private StoredEpisode AddEpisodeLocked(StoredEpisode episode)
    {
        var list = episode.UserId is { } userId
            ? GetOrAdd(_episodesByUser, userId)
            : GetOrAdd(_episodesByGraph, episode.GraphId ?? string.Empty);
        var stored = episode with { Sequence = ++_nextSequence };
        list.Add(stored);
        _episodesByUuid[stored.Uuid] = stored;
        return stored;
    }

    public void CountRequest(int statusCode, string route)
    {
        _requestsByStatus.AddOrUpdate(statusCode, 1, (_, n) => n + 1);
        _requestsByRoute.AddOrUpdate(route, 1, (_, n) => n + 1);
    }

    /// <summary>Counts one injected fault (<see cref="EmulatorFaultKinds"/>).</summary>
    public void CountFault(string kind) => _faultsByKind.AddOrUpdate(kind, 1, (_, n) => n + 1);

    /// <summary>Removes all data (batches included) and the request and fault counters.</summary>
    public void Reset()
    {
        ResetBatches();
        _faultsByKind.Clear();
        lock (_gate)
        {
            _users.Clear();
            _threads.Clear();
            _threadIdsByUser.Clear();
            _messagesByThread.Clear();
            _episodesByUser.Clear();
            _episodesByGraph.Clear();
            _episodesByUuid.Clear();
            _requestsByStatus.Clear();
            _requestsByRoute.Clear();
        }
    }

    private static List<StoredEpisode> GetOrAdd(Dictionary<string, List<StoredEpisode>> map, string key)
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map.Add(key, list);
        }

        return list;
    }
}
