using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>
/// Puts the batch items of the small users this process migrates at the same time into one Batch API batch (Zep's batches
/// may target many users and threads), so a batch's create, process and polls are shared instead of paid per user.
/// A group closes when it holds <see cref="ZepOptions.SharedBatchItems"/> items or <see cref="ZepOptions.SharedBatchLingerMs"/>
/// after its first user joined. Then, exactly once (DESIGN.md §3):
/// <list type="number">
/// <item>the batch is created (a lost answer leaves an empty draft, which writes nothing);</item>
/// <item>each user marks its units <c>Sent</c> with the batch's id in its own ledger (<see cref="SharedBatchRef"/>) before
/// any of its items is added; a user whose save fails is left out of the batch;</item>
/// <item>the items are added (≤ 350 per call), each user's contiguous and in order; if an add is refused or its outcome is
/// unknown, the batch is given up: never processed, so nothing of it lands, and each user writes its items sequentially;</item>
/// <item>the batch is processed and polled until terminal; each user gets its items' results by sequence index.</item>
/// </list>
/// A user's call returns only when the pool is done with its items, so its lock is held for as long as its items can
/// still be written; a later attempt that finds units <c>Sent</c> into a shared batch resolves them from the batch's
/// state (<see cref="SharedBatchRecovery"/>). The group's Zep requests are attributed to its users' runs, shared by items.
/// The group stops only when every one of its users' own tokens is cancelled (the bus gave up on all of them, e.g. at the
/// end of a graceful stop's timeout): then each user's attempt ends cancelled by its own token, and its message goes back
/// to the queue, not to <c>_error</c>; the units it left <c>Sent</c> are resolved by the next attempt.
/// </summary>
public sealed class SharedBatchPool(IServiceScopeFactory scopes, ZepRequestCounter counter, IOptions<ZepOptions> options)
{
    private readonly Lock _gate = new();
    private Group? _open;

    /// <summary>Whether a user with this many items to write joins a shared batch (a bigger user gets a batch of its own).</summary>
    public bool Accepts(int items) => options.Value.SharedBatchItems > 0 && items is > 0 and <= ZepClient.MaxBatchItemsPerCall;

    /// <summary>
    /// Writes the entries through a shared batch. <paramref name="writeAheadAsync"/> is called with the batch id and must
    /// save the entries' units <c>Sent</c> before returning. Not cancellable on its own once joined: it returns when the pool
    /// is done with these items (the group stops when every member's <paramref name="ct"/> is cancelled).
    /// </summary>
    public async Task<SharedBatchOutcome> WriteAsync(
        IReadOnlyList<BatchEntry> entries, Func<string, CancellationToken, Task> writeAheadAsync, CancellationToken ct)
    {
        var member = new Member(entries, writeAheadAsync, ct);
        Group? lingering = null, full = null;
        lock (_gate)
        {
            if (_open is null) lingering = _open = new Group();
            _open.Members.Add(member);
            _open.Items += entries.Count;
            if (_open.Items >= options.Value.SharedBatchItems)
            {
                full = _open;
                _open = null;
            }
        }
        if (full is not null) Start(full);
        else if (lingering is not null) _ = CloseAfterLingerAsync(lingering);

        try
        {
            return await member.Done.Task;
        }
        finally
        {
            counter.Attribute(member.Requests);
        }
    }

    /// <summary>
    /// How long a group waits for more users: <see cref="ZepOptions.SharedBatchLingerMs"/>, but under a requests-per-minute
    /// budget at least the time of four requests at that rate (a user that joins saves about four: create, add, process,
    /// poll), at most 2 s: when every request waits its turn anyway, waiting for more users is cheaper than a batch of its own.
    /// </summary>
    private TimeSpan Linger
    {
        get
        {
            var o = options.Value;
            var ms = o.RequestsPerMinute > 0 ? Math.Max(o.SharedBatchLingerMs, Math.Min(2_000, 4 * 60_000 / o.RequestsPerMinute)) : o.SharedBatchLingerMs;
            return TimeSpan.FromMilliseconds(ms);
        }
    }

    private async Task CloseAfterLingerAsync(Group group)
    {
        await Task.Delay(Linger);
        lock (_gate)
        {
            if (_open != group) return; // closed full meanwhile
            _open = null;
        }
        Start(group);
    }

    private void Start(Group group)
    {
        using (ExecutionContext.SuppressFlow()) // the group's requests are counted in a scope of its own, then shared out
            _ = Task.Run(() => FlushAsync(group));
    }

    private async Task FlushAsync(Group group)
    {
        using var requests = counter.BeginScope();
        using var stop = new CancellationTokenSource();
        var live = group.Members.Count;
        var registrations = group.Members.Select(m => m.Ct.Register(() =>
        {
            if (Interlocked.Decrement(ref live) == 0) stop.Cancel();
        })).ToList();
        try
        {
            await WriteGroupAsync(group, stop.Token);
        }
        catch (Exception e)
        {
            foreach (var m in group.Members) m.Error ??= e;
        }
        finally
        {
            foreach (var registration in registrations) await registration.DisposeAsync();
            ShareOut(group.Members, requests.Count);
            foreach (var m in group.Members)
            {
                if (m.Outcome is { } outcome) m.Done.TrySetResult(outcome);
                else m.Done.TrySetException(m.Error ?? new InvalidOperationException("shared batch ended without an outcome"));
            }
        }
    }

    /// <summary>One shared batch: created, joined by the group's members (each marks its units first), filled, processed, settled.</summary>
    private async Task WriteGroupAsync(Group group, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var zep = scope.ServiceProvider.GetRequiredService<ZepClient>();
        var batches = scope.ServiceProvider.GetRequiredService<ZepBatches>();
        var batchId = await CreateBatchAsync(zep, group, ct);
        if (batchId is null) return;

        var joined = await JoinAsync(group, batchId);
        if (joined.Count == 0)
        {
            await batches.TryDeleteDraftAsync(batchId, CancellationToken.None);
            return;
        }
        var all = new List<BatchEntry>();
        foreach (var m in joined)
        {
            m.Start = all.Count;
            all.AddRange(m.Entries);
        }

        var (uuids, failure) = await AddItemsAsync(zep, batchId, all, ct);
        if (failure is not null)
        {
            await GiveUpAsync(batches, batchId, joined, failure);
            return;
        }
        if (await ProcessedInvalidAsync(zep, batchId, ct))
        {
            await GiveUpAsync(batches, batchId, joined, "batch invalid");
            return;
        }
        await SettleAsync(zep, batches, batchId, joined, uuids, ct);
    }

    /// <summary>The new batch's id; null when Zep does not serve the Batch API (the group is told so).</summary>
    private static async Task<string?> CreateBatchAsync(ZepClient zep, Group group, CancellationToken ct)
    {
        try
        {
            return (await zep.CreateBatchAsync(new CreateBatchRequest(new JsonObject
            {
                ["migrated_by"] = "pixelated-migration",
                ["shared_by_users"] = group.Members.Count,
            }), ct)).BatchId;
        }
        catch (ZepApiException e) when (e.Kind == ZepOutcomeKind.NotFound)
        {
            Settle(group.Members, new SharedBatchOutcome.Unavailable());
            return null;
        }
    }

    /// <summary>The members that marked their units <c>Sent</c> into the batch (a member that could not keeps its error).</summary>
    private static async Task<List<Member>> JoinAsync(Group group, string batchId)
    {
        await Task.WhenAll(group.Members.Select(async m =>
        {
            try
            {
                await m.WriteAheadAsync(batchId, m.Ct);
                m.Joined = true;
            }
            catch (Exception e)
            {
                m.Error = e;
            }
        }));
        return group.Members.Where(m => m.Joined).ToList();
    }

    /// <summary>Adds every entry (in calls Zep accepts); returns the Zep uuids its answers gave, or why the batch is given up.</summary>
    private static async Task<(string?[] Uuids, string? Failure)> AddItemsAsync(ZepClient zep, string batchId, List<BatchEntry> all, CancellationToken ct)
    {
        var uuids = new string?[all.Count];
        var offset = 0;
        foreach (var call in BatchItemPlanner.Calls(all))
        {
            try
            {
                var added = await zep.AddBatchItemsAsync(batchId, call.Select(e => e.Item).ToList(), ct);
                if (added.Count == call.Count)
                    foreach (var (a, i) in added.OrderBy(a => a.SequenceIndex).Select((a, i) => (a, i))) uuids[offset + i] = a.ZepUuid;
            }
            catch (Exception e)
            {
                return (uuids, $"add items: {Describe(e)}");
            }
            offset += call.Count;
        }
        return (uuids, null);
    }

    /// <summary>Asks Zep to process the batch; true when Zep says it is invalid. An unknown outcome is left to the poll.</summary>
    private static async Task<bool> ProcessedInvalidAsync(ZepClient zep, string batchId, CancellationToken ct)
    {
        try
        {
            return await zep.ProcessBatchAsync(batchId, ct) == BatchProcessOutcome.Invalid;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Outcome unknown: the poll finds the batch still a draft (and processes it again) or processing.
            return false;
        }
    }

    /// <summary>Waits for the batch to end, then hands each member the results of its own items.</summary>
    private static async Task SettleAsync(ZepClient zep, ZepBatches batches, string batchId, List<Member> joined, string?[] uuids, CancellationToken ct)
    {
        var summary = await batches.UntilTerminalAsync(batchId, ct);
        if (summary is null)
        {
            Settle(joined, new SharedBatchOutcome.Lost());
            return;
        }
        if (summary.Status == BatchSummary.Invalid)
        {
            await GiveUpAsync(batches, batchId, joined, "batch invalid");
            return;
        }
        var items = summary.Status == BatchItemDetail.Succeeded && summary.ItemCount == uuids.Length && uuids.All(u => !string.IsNullOrEmpty(u))
            ? uuids.Select((uuid, i) => new BatchItemDetail(null, null, BatchItemDetail.Succeeded, i, uuid)).ToList()
            : await zep.GetAllBatchItemsAsync(batchId, ct);
        if (items is null)
        {
            Settle(joined, new SharedBatchOutcome.Lost());
            return;
        }
        foreach (var m in joined)
        {
            var end = m.Start + m.Entries.Count;
            m.Outcome = new SharedBatchOutcome.Settled(batchId, m.Start,
                items.Where(i => i.SequenceIndex >= m.Start && i.SequenceIndex < end).ToList());
        }
    }

    /// <summary>The batch is never processed: deleted if Zep lets us (a draft nobody processes writes nothing either way).</summary>
    private static async Task GiveUpAsync(ZepBatches batches, string batchId, IEnumerable<Member> joined, string reason)
    {
        await batches.TryDeleteDraftAsync(batchId, CancellationToken.None);
        Settle(joined, new SharedBatchOutcome.GivenUp(reason));
    }

    private static void Settle(IEnumerable<Member> members, SharedBatchOutcome outcome)
    {
        foreach (var m in members) m.Outcome = outcome;
    }

    private static string Describe(Exception e) => e switch
    {
        ZepApiException z => z.Describe(),
        OperationCanceledException => "cancelled",
        _ => e.GetType().Name,
    };

    /// <summary>The group's requests shared out by items (the rest to the first members), so the runs' totals add up.</summary>
    private static void ShareOut(IReadOnlyList<Member> members, long requests)
    {
        var items = members.Sum(m => (long)m.Entries.Count);
        if (items == 0) return;
        var given = 0L;
        foreach (var m in members)
        {
            m.Requests = requests * m.Entries.Count / items;
            given += m.Requests;
        }
        for (var i = 0; given < requests; i = (i + 1) % members.Count, given++) members[i].Requests++;
    }

    private sealed class Group
    {
        public List<Member> Members { get; } = [];
        public int Items { get; set; }
    }

    private sealed class Member(IReadOnlyList<BatchEntry> entries, Func<string, CancellationToken, Task> writeAheadAsync, CancellationToken ct)
    {
        public IReadOnlyList<BatchEntry> Entries => entries;
        public Func<string, CancellationToken, Task> WriteAheadAsync => writeAheadAsync;
        public CancellationToken Ct => ct;
        public TaskCompletionSource<SharedBatchOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Joined { get; set; }
        public int Start { get; set; }
        public long Requests { get; set; }
        public SharedBatchOutcome? Outcome { get; set; }
        public Exception? Error { get; set; }
    }
}

/// <summary>How a shared batch ended for one user's items.</summary>
public abstract record SharedBatchOutcome
{
    /// <summary>Zep answered 404 to <c>POST /batches</c> (no Batch API): nothing was written.</summary>
    public sealed record Unavailable : SharedBatchOutcome;

    /// <summary>The batch was never processed (an add refused or of unknown outcome, or the batch invalid): none of its items land.</summary>
    public sealed record GivenUp(string Reason) : SharedBatchOutcome;

    /// <summary>Zep no longer knows the batch: what landed is unknown, so the units stay <c>Sent</c> and are read back.</summary>
    public sealed record Lost : SharedBatchOutcome;

    /// <summary>Processed and terminal: the results of this user's items, the first at sequence index <paramref name="Start"/>.</summary>
    public sealed record Settled(string BatchId, int Start, IReadOnlyList<BatchItemDetail> Items) : SharedBatchOutcome;
}
