using System.Text.Json;

namespace Pixelated.ZepEmulator;

/// <summary>
/// Saving and loading the stored data (users, threads, messages, episodes; not batches, counters or faults), so that a
/// local emulator can outlive one process: the CLI's embedded mode keeps its Zep beside its SQLite ledger. The file holds
/// the migrated clinical data in clear text, so it is written owner-only (<see cref="StateFileMode"/>).
/// </summary>
public sealed partial class EmulatorStore
{
    private sealed record Snapshot(
        string ProjectUuid,
        long NextUserId,
        long NextSequence,
        List<StoredUser> Users,
        List<StoredThread> Threads,
        Dictionary<string, List<StoredMessage>> Messages,
        List<StoredEpisode> Episodes);

    private static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web);

    public async Task SaveAsync(string path, CancellationToken ct = default)
    {
        Snapshot snapshot;
        lock (_gate)
        {
            snapshot = new Snapshot(ProjectUuid, _nextUserId, _nextSequence, [.. _users.Values], [.. _threads.Values],
                _messagesByThread.ToDictionary(p => p.Key, p => p.Value.ToList(), StringComparer.Ordinal),
                [.. _episodesByUuid.Values.OrderBy(e => e.Sequence)]);
        }
        // The file holds clinical data in clear text: created owner-only (0600) before a byte is written, then renamed
        // over the old one, so the state file is never readable by others, not even for a moment.
        var temporary = path + ".tmp";
        File.Delete(temporary); // a leftover from a crash may have other permissions; the mode applies only to a new file
        await using (var file = new FileStream(temporary, OwnerOnly))
            await JsonSerializer.SerializeAsync(file, snapshot, SnapshotJson, ct);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Read and write for the owner only (Unix; on Windows the file inherits its folder's ACL).</summary>
    public const UnixFileMode StateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static FileStreamOptions OwnerOnly => OperatingSystem.IsWindows()
        ? new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write }
        : new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = StateFileMode };

    /// <summary>Replaces the data with the file's; a missing file leaves the store empty.</summary>
    public async Task LoadAsync(string path, CancellationToken ct = default)
    {
        if (!File.Exists(path)) return;
        Snapshot snapshot;
        await using (var file = File.OpenRead(path))
            snapshot = await JsonSerializer.DeserializeAsync<Snapshot>(file, SnapshotJson, ct)
                       ?? throw new InvalidDataException($"{path}: not an emulator state file");
        lock (_gate)
        {
            ProjectUuid = snapshot.ProjectUuid;
            _nextUserId = snapshot.NextUserId;
            _nextSequence = snapshot.NextSequence;
            _users.Clear();
            foreach (var user in snapshot.Users) _users[user.UserId] = user;
            _threads.Clear();
            _threadIdsByUser.Clear();
            foreach (var thread in snapshot.Threads)
            {
                _threads[thread.ThreadId] = thread;
                IndexThread(thread);
            }
            _messagesByThread.Clear();
            foreach (var (threadId, messages) in snapshot.Messages) _messagesByThread[threadId] = messages;
            _episodesByUser.Clear();
            _episodesByGraph.Clear();
            _episodesByUuid.Clear();
            foreach (var episode in snapshot.Episodes)
            {
                var list = episode.UserId is { } userId ? GetOrAdd(_episodesByUser, userId) : GetOrAdd(_episodesByGraph, episode.GraphId ?? string.Empty);
                list.Add(episode);
                _episodesByUuid[episode.Uuid] = episode;
            }
        }
    }
}
