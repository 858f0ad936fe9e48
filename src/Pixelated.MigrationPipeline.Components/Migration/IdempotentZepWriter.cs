using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>
/// Writes one user's plan to Zep exactly once (DESIGN.md §3): confirmed units are skipped; a unit whose last send has an
/// unknown outcome is looked up in Zep before it is sent again; Zep's "already exists" counts as success for users and
/// threads (after checking the thread's owner). Validation errors (400) fail only the items concerned.
/// Unknown outcomes (5xx, timeouts, cut connections) propagate, leaving the unit <c>Sent</c>, so the message is retried
/// and the retry reads back first.
/// Ledger round trips: units are marked <c>Sent</c> in groups (one save per group, before the group's calls) and their
/// confirmations are saved with the next save (the next group's, or the user's outcome in <see cref="UserMigrationService"/>),
/// so a unit costs no save of its own. Whatever an attempt that dies leaves <c>Sent</c> is read back before it is resent.
/// When messages and episodes are written here (not through the Batch API) and all of a user's units fit one group, they
/// are marked <c>Sent</c> in the same save as the user and its threads: one durable commit per user instead of two. Zep
/// sees the same calls in the same order. A unit marked <c>Sent</c> from <c>Pending</c> whose call this attempt never makes is
/// released when the attempt ends on a call that provably did not reach Zep, and otherwise read back, as any unit left
/// <c>Sent</c> is.
/// Episodes go up to <see cref="ZepWriteModeSelector.EpisodesPerCall"/> (20) per <c>POST /graph-batch</c> call, each still its
/// own unit, so the protocol is the same whichever call wrote them.
/// </summary>
public sealed class IdempotentZepWriter(ZepClient zep, WriteUnitLedger ledger, string userKey, ZepWriteModeSelector writeMode)
{
    private ZepReadBack _readBack = new(zep, userKey);
    /// <summary>
    /// Units this attempt marked <c>Sent</c> that were <c>Pending</c> before (no earlier send with an unknown outcome), by
    /// kind: nothing of theirs can be in Zep before their call, so they are never read back (those marked ahead, with the
    /// user and its threads, are not marked again either).
    /// </summary>
    private readonly Dictionary<string, WriteUnitKind> _markedFresh = new(StringComparer.Ordinal);
    /// <summary>Units whose call has been made (or is being made) in this attempt.</summary>
    private readonly HashSet<string> _called = new(StringComparer.Ordinal);
    /// <summary>
    /// Whether Zep answered "already exists" to the user's create while this ledger had not confirmed the user, and the
    /// threads for which it did the same: what lies under them may have been written by another ledger (a rerun on a new
    /// or lost ledger, another machine) and is reconciled before anything is sent (<see cref="AdoptWhatZepHoldsAsync"/>).
    /// </summary>
    private bool _userFoundInZep;
    private readonly HashSet<string> _threadsFoundInZep = new(StringComparer.Ordinal);

    /// <summary>Whether Zep already held the user although this ledger had not confirmed it (a new or lost ledger, another machine).</summary>
    public bool UserFoundInZep => _userFoundInZep;

    /// <summary>The user's episodes as Zep holds them (read once, shared with the reconciliation).</summary>
    public Task<IReadOnlyList<ZepEpisode>> UserEpisodesAsync(CancellationToken ct) => GuardAsync([], () => _readBack.AllEpisodesAsync(ct));

    /// <summary>
    /// The plan's episodes changed after the write-ahead (Zep's history showed a memory changed): the dropped units this
    /// attempt marked <c>Sent</c> before any call are released (never sent, so nothing of theirs is in Zep).
    /// </summary>
    public void Drop(IEnumerable<PlannedEpisode> dropped)
    {
        foreach (var episode in dropped)
        {
            if (!_markedFresh.Remove(episode.Key)) continue;
            ledger.Stage(episode.Key, WriteUnitKind.Episode, WriteState.Pending);
        }
    }

    /// <summary>Whether this attempt created the user in Zep (so it holds exactly the planned profile).</summary>
    public bool UserCreated { get; private set; }

    /// <summary>Item keys that could not be written, with a reason safe for the ledger.</summary>
    public FailedItems FailedItems { get; } = new();

    /// <summary>
    /// At most this many units are marked <c>Sent</c> in one save before their calls. It bounds what an attempt that dies
    /// halfway leaves <c>Sent</c> (each such unit costs the next attempt a read-back, shared per thread and per user).
    /// </summary>
    public const int WriteAheadGroupSize = 100;

    /// <summary>
    /// Creates the user and its threads, after marking all of them <c>Sent</c> in one save; returns the threads that exist
    /// for this user (those whose id belongs to another user fail with their items). Given the episodes (sequential
    /// writes), the same save marks the never-sent message batches and episodes too, when the whole group fits
    /// <see cref="WriteAheadGroupSize"/>: <see cref="WriteMessagesAndEpisodesAsync"/> then sends them with no save of its own.
    /// </summary>
    public async Task<List<PlannedThread>> EnsureUserAndThreadsAsync(PlannedUser user, IReadOnlyList<PlannedThread> threads,
        IReadOnlyList<PlannedEpisode>? episodesAhead, CancellationToken ct)
    {
        var userOpen = ledger.StateOf(user.Key) != WriteState.Confirmed;
        var open = threads.Where(t => ledger.StateOf(t.Key) != WriteState.Confirmed).ToList();
        var group = open.Select(t => (t.Key, WriteUnitKind.Thread)).ToList();
        if (userOpen) group.Insert(0, (user.Key, WriteUnitKind.User));
        if (episodesAhead is not null)
        {
            var ahead = threads.SelectMany(t => t.Batches).Where(b => ledger.StateOf(b.Key) == WriteState.Pending).Select(b => (b.Key, WriteUnitKind.Messages))
                .Concat(episodesAhead.Where(e => ledger.StateOf(e.Key) == WriteState.Pending).Select(e => (e.Key, WriteUnitKind.Episode))).ToList();
            if (group.Count + ahead.Count <= WriteAheadGroupSize) group.AddRange(ahead);
        }
        await MarkSentAsync(group, ct);

        if (userOpen)
        {
            var created = await GuardAsync(user.Key, WriteUnitKind.User, () => zep.CreateUserAsync(user.Request, ct), ct);
            _userFoundInZep = !created;
            UserCreated = created;
            ConfirmOrAdopt(user.Key, WriteUnitKind.User, user.Request.UserId, foundInZep: !created);
        }
        foreach (var thread in open) await CreateThreadAsync(thread, ct);
        return threads.Where(t => ledger.StateOf(t.Key) == WriteState.Confirmed).ToList();
    }

    /// <summary>
    /// Zep is the truth (DESIGN.md §3.6): when the user or a thread already existed in Zep although this ledger had not
    /// confirmed it, reads back the user's episodes (one paged listing) and each such thread's messages, and confirms every
    /// unit whose data Zep holds under its key without sending it (adopted: <see cref="WriteUnitLedger.Adopt"/>). A message
    /// batch Zep holds only part of is left <c>Sent</c>, so the writers read it back and send only the rest. A user Zep did not
    /// know costs nothing here. Returns how many units were adopted.
    /// </summary>
    public async Task<int> AdoptWhatZepHoldsAsync(IReadOnlyList<PlannedThread> threads, IReadOnlyList<PlannedEpisode> episodes, CancellationToken ct)
    {
        var adopted = 0;
        foreach (var thread in threads.Where(t => _threadsFoundInZep.Contains(t.ThreadId)))
        {
            var open = thread.Batches.Where(b => ledger.StateOf(b.Key) is WriteState.Pending or WriteState.Sent).ToList();
            if (open.Count == 0) continue;
            var present = await GuardAsync([], () => _readBack.ThreadMessagesAsync(thread.ThreadId, ct));
            foreach (var batch in open)
            {
                var found = batch.Messages.Count(m => present.ContainsKey(m.Key));
                if (found == batch.Messages.Count)
                {
                    adopted += ConfirmOrAdopt(batch.Key, WriteUnitKind.Messages, string.Join(',', batch.Messages.Select(m => present[m.Key])), foundInZep: true);
                }
                else if (found > 0)
                {
                    _markedFresh.Remove(batch.Key);
                    ledger.Stage(batch.Key, WriteUnitKind.Messages, WriteState.Sent);
                }
            }
        }
        var openEpisodes = episodes.Where(e => ledger.StateOf(e.Key) is WriteState.Pending or WriteState.Sent).ToList();
        if (_userFoundInZep && openEpisodes.Count > 0)
        {
            var present = await GuardAsync([], () => _readBack.EpisodesAsync(ct));
            foreach (var episode in openEpisodes)
                if (present.TryGetValue(episode.Key, out var uuid)) adopted += ConfirmOrAdopt(episode.Key, WriteUnitKind.Episode, uuid, foundInZep: true);
        }
        return adopted;
    }

    /// <summary>
    /// Zep changed since this writer last read it back (the Batch API wrote the user's messages and episodes in between):
    /// what it read is stale, and the next read-back asks Zep again.
    /// </summary>
    public void ForgetWhatWasReadBack() => _readBack = new ZepReadBack(zep, userKey);

    /// <summary>
    /// Confirms a unit whose data Zep holds. When this attempt found it there although the unit had never been sent by this
    /// ledger (<c>Pending</c> before the attempt), it is adopted rather than confirmed, and 1 is returned; a unit an earlier
    /// attempt of this ledger left <c>Sent</c> was most likely our own send, and is confirmed as usual.
    /// </summary>
    private int ConfirmOrAdopt(string key, WriteUnitKind kind, string? zepIds, bool foundInZep)
    {
        var neverSentHere = ledger.StateOf(key) == WriteState.Pending || _markedFresh.ContainsKey(key);
        _markedFresh.Remove(key);
        if (foundInZep && neverSentHere)
        {
            ledger.Adopt(key, kind, zepIds);
            return 1;
        }
        ledger.Confirm(key, kind, zepIds);
        return 0;
    }

    /// <summary>
    /// Writes the message batches of the given threads (in order) and the episodes that are not yet confirmed or failed.
    /// Units left <c>Sent</c> by an earlier attempt are looked up in Zep first (one read per thread, one for the user's
    /// episodes) and only what is missing is sent; the rest are marked <c>Sent</c> (unless marked ahead already) in groups
    /// of <see cref="WriteAheadGroupSize"/>, one save per group, before their calls.
    /// </summary>
    public async Task WriteMessagesAndEpisodesAsync(IReadOnlyList<PlannedThread> threads, IReadOnlyList<PlannedEpisode> episodes, CancellationToken ct)
    {
        var sends = new List<(string Key, WriteUnitKind Kind, Func<Task>? Send, PlannedEpisode? Episode)>();
        foreach (var thread in threads)
        {
            foreach (var batch in thread.Batches)
            {
                var state = ledger.StateOf(batch.Key);
                if (state is WriteState.Confirmed or WriteState.Failed) continue;
                var toSend = batch.Messages;
                if (state == WriteState.Sent && !_markedFresh.ContainsKey(batch.Key))
                {
                    var present = await _readBack.ThreadMessagesAsync(thread.ThreadId, ct);
                    toSend = batch.Messages.Where(m => !present.ContainsKey(m.Key)).ToList();
                }
                if (toSend.Count == 0)
                {
                    ledger.Confirm(batch.Key, WriteUnitKind.Messages, null);
                    continue;
                }
                var (t, b, messages) = (thread, batch, toSend);
                sends.Add((batch.Key, WriteUnitKind.Messages, () => SendMessagesAsync(t, b, messages, ct), null));
            }
        }
        foreach (var episode in episodes)
        {
            var state = ledger.StateOf(episode.Key);
            if (state is WriteState.Confirmed or WriteState.Failed) continue;
            if (state == WriteState.Sent && !_markedFresh.ContainsKey(episode.Key) && await _readBack.HasEpisodeAsync(episode.Key, ct))
            {
                ledger.Confirm(episode.Key, WriteUnitKind.Episode, null);
                continue;
            }
            sends.Add((episode.Key, WriteUnitKind.Episode, null, episode));
        }

        foreach (var group in sends.Chunk(WriteAheadGroupSize))
        {
            await MarkSentAsync(group.Where(s => !_markedFresh.ContainsKey(s.Key)).Select(s => (s.Key, s.Kind)).ToList(), ct);
            foreach (var send in group.Where(s => s.Send is not null)) await send.Send!();
            await SendEpisodesAsync(group.Where(s => s.Episode is not null).Select(s => s.Episode!).ToList(), ct);
        }
    }

    /// <summary>Marks a group <c>Sent</c> in one save, remembering which of its units had never been sent.</summary>
    private Task MarkSentAsync(IReadOnlyCollection<(string Key, WriteUnitKind Kind)> group, CancellationToken ct)
    {
        foreach (var (key, kind) in group.Where(u => ledger.StateOf(u.Key) == WriteState.Pending)) _markedFresh[key] = kind;
        return ledger.MarkSentAsync(group, ct);
    }

    /// <summary>Creates a thread already marked <c>Sent</c>; fails it (with its items) when the id belongs to another user.</summary>
    private async Task CreateThreadAsync(PlannedThread thread, CancellationToken ct)
    {
        var created = await GuardAsync(thread.Key, WriteUnitKind.Thread,
            () => zep.CreateThreadAsync(new CreateThreadRequest(thread.ThreadId, userKey), ct), ct);
        if (!created)
        {
            var owner = await GuardAsync([], () => _readBack.ThreadOwnerAsync(thread.ThreadId, ct));
            if (owner is not null && !string.Equals(owner, userKey, StringComparison.Ordinal))
            {
                const string reason = "Zep thread id already exists under another user";
                // None of its messages can be in Zep (Zep threads never change owner, and messages go only to threads this
                // user holds): its batches left Sent, by this attempt or an earlier one, are released with the thread's failure.
                foreach (var b in thread.Batches.Where(b => ledger.StateOf(b.Key) == WriteState.Sent))
                {
                    _markedFresh.Remove(b.Key);
                    ledger.Stage(b.Key, WriteUnitKind.Messages, WriteState.Pending, error: reason);
                }
                await ledger.FailAsync(thread.Key, WriteUnitKind.Thread, reason, ct);
                foreach (var m in thread.Batches.SelectMany(b => b.Messages)) FailedItems.Fail(m.ItemKey, reason);
                return;
            }
            _threadsFoundInZep.Add(thread.ThreadId);
        }
        ConfirmOrAdopt(thread.Key, WriteUnitKind.Thread, thread.ThreadId, foundInZep: !created);
    }

    private async Task SendMessagesAsync(PlannedThread thread, PlannedMessageBatch batch, IReadOnlyList<PlannedMessage> toSend, CancellationToken ct)
    {
        try
        {
            var response = await GuardAsync(batch.Key, WriteUnitKind.Messages,
                () => zep.AddMessagesAsync(thread.ThreadId, new AddMessagesRequest(toSend.Select(m => m.Message).ToList()), ct), ct);
            ledger.Confirm(batch.Key, WriteUnitKind.Messages, string.Join(',', response.MessageUuids));
        }
        catch (ZepApiException e) when (e.Failure.IsRefusal)
        {
            await ledger.FailAsync(batch.Key, WriteUnitKind.Messages, e.Describe(), ct);
            foreach (var m in batch.Messages) FailedItems.Fail(m.ItemKey, e.Describe());
        }
    }

    /// <summary>
    /// Episodes already marked <c>Sent</c>, up to <see cref="ZepWriteModeSelector.EpisodesPerCall"/> per graph-batch call. A call
    /// Zep refuses as invalid (one bad episode refuses them all) is retried one graph.add per episode, so only the bad ones
    /// fail, each with its reason; a route Zep does not serve switches this process to graph.add.
    /// </summary>
    private async Task SendEpisodesAsync(IReadOnlyList<PlannedEpisode> episodes, CancellationToken ct)
    {
        var perCall = writeMode.EpisodesPerCall;
        foreach (var chunk in episodes.Chunk(perCall))
        {
            IReadOnlyList<ZepEpisode>? created = null;
            if (chunk.Length > 1 && writeMode.EpisodesPerCall > 1)
            {
                try
                {
                    created = await GuardAsync(chunk.Select(e => (e.Key, WriteUnitKind.Episode)).ToList(),
                        () => zep.AddDataBatchAsync(new AddDataBatchRequest(chunk.Select(e => EpisodeData.From(e.Request)).ToList(), userKey), ct));
                    if (created is null) writeMode.GraphBatchUnavailable();
                }
                catch (ZepApiException e) when (e.Failure.IsRefusal)
                {
                    created = null;
                }
            }
            if (created is null)
            {
                // Refused or not served: Zep stored none of them, so until each is sent on its own none counts as called.
                _called.ExceptWith(chunk.Select(e => e.Key));
                foreach (var episode in chunk) await SendEpisodeAsync(episode, ct);
                continue;
            }
            for (var i = 0; i < chunk.Length; i++)
                ledger.Confirm(chunk[i].Key, WriteUnitKind.Episode, created.Count == chunk.Length ? created[i].Uuid : null);
        }
    }

    private async Task SendEpisodeAsync(PlannedEpisode episode, CancellationToken ct)
    {
        try
        {
            var created = await GuardAsync(episode.Key, WriteUnitKind.Episode, () => zep.AddDataAsync(episode.Request, ct), ct);
            ledger.Confirm(episode.Key, WriteUnitKind.Episode, created.Uuid);
        }
        catch (ZepApiException e) when (e.Failure.IsRefusal)
        {
            await ledger.FailAsync(episode.Key, WriteUnitKind.Episode, e.Describe(), ct);
            FailedItems.Fail(episode.ItemKey, e.Describe());
        }
    }

    /// <summary>Runs one call; when the call provably did not reach Zep, releases the unit so it can be sent again without a read-back.</summary>
    private Task<T> GuardAsync<T>(string key, WriteUnitKind kind, Func<Task<T>> call, CancellationToken ct) =>
        GuardAsync([(key, kind)], call);

    /// <summary>
    /// Runs one call that writes several units (none for a read); when it provably did not reach Zep, releases the units
    /// this attempt (which ends here) marked <c>Sent</c> from <c>Pending</c> — the call's and those never called: none of
    /// them can be in Zep. A unit that was <c>Sent</c> before this attempt stays <c>Sent</c>: an earlier call's outcome is
    /// unknown, and this call may have carried only the part a read-back found missing.
    /// </summary>
    private async Task<T> GuardAsync<T>(IReadOnlyList<(string Key, WriteUnitKind Kind)> units, Func<Task<T>> call)
    {
        foreach (var (key, _) in units) _called.Add(key);
        try
        {
            return await call();
        }
        catch (Exception e) when (ZepFailure.Classify(e) is { Kind: ZepOutcomeKind.RateLimited or ZepOutcomeKind.AccessDenied or ZepOutcomeKind.NeverReached } failure)
        {
            await ledger.ReleaseAsync(WithUncalled(units), failure.Reason, CancellationToken.None);
            throw;
        }
    }

    private List<(string Key, WriteUnitKind Kind)> WithUncalled(IReadOnlyList<(string Key, WriteUnitKind Kind)> units) =>
        units.Where(u => _markedFresh.ContainsKey(u.Key))
            .Concat(_markedFresh.Where(m => !_called.Contains(m.Key)).Select(m => (m.Key, m.Value))).ToList();
}
