using System.Text.Json.Nodes;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>
/// Writes a user's messages and episodes through the Batch API, exactly once (DESIGN.md §3), one batch per user at a time:
/// <list type="number">
/// <item>Units already Confirmed/Failed are skipped; a <c>Sent</c> unit outside the open batch is read back from Zep first.</item>
/// <item>The batch unit is <c>Sent</c> before <c>POST /batches</c> and holds the batch id after, so a retry reuses the batch.</item>
/// <item>Each add-items call (≤ 350) is a unit <c>Sent</c> before the call with its sequence range and keys (its items' units
/// go <c>Sent</c> in the same transaction); after an unknown outcome the batch's item count says how much of it landed,
/// and only the rest is added.</item>
/// <item>Process is a unit too; a 409 means it was processed already, which is fine.</item>
/// <item>The batch is polled with back-off until terminal; each item's result confirms or fails its unit (with Zep's uuids).</item>
/// </list>
/// A batch that is unknown to Zep, invalid, or inconsistent with the ledger is given up (a draft is never processed, so
/// nothing of it lands); its units stay <c>Sent</c> and the sequential writer reads Zep back before writing them.
/// </summary>
public sealed class BatchZepWriter(ZepClient zep, ZepBatches batches, WriteUnitLedger units, string userKey, ZepOptions options, FailedItems failedItems)
{
    private const int MaxRounds = 100;

    private readonly BatchLedger _ledger = new(units, userKey);

    private enum Round { NothingToDo, Settled, Stalled, GivenUp, Unavailable }

    /// <summary>False when Zep does not serve the Batch API (404 on <c>POST /batches</c>); nothing was written then.</summary>
    public async Task<bool> WriteAsync(UserPlan plan, IReadOnlyCollection<PlannedThread> usableThreads, CancellationToken ct)
    {
        var entries = BatchItemPlanner.Entries(plan, usableThreads);
        var byKey = entries.ToDictionary(e => e.Key, StringComparer.Ordinal);
        await _ledger.LoadAsync(ct);
        for (var round = 0; round < MaxRounds; round++)
        {
            switch (await RoundAsync(entries, byKey, ct))
            {
                case Round.Unavailable: return false;
                case Round.Settled: continue; // more than one batch's worth, or parts left for a read-back
                default: return true;
            }
        }
        return true;
    }

    private async Task<Round> RoundAsync(IReadOnlyList<BatchEntry> entries, IReadOnlyDictionary<string, BatchEntry> byKey, CancellationToken ct)
    {
        var batchId = _ledger.OpenBatchId;
        var calls = new List<BatchAddCall>();
        if (batchId is not null)
        {
            calls = await _ledger.LoadCallsAsync(batchId, ct);
            var summary = await zep.GetBatchAsync(batchId, ct);
            if (summary is null) return await GiveUpAsync(batchId, "batch unknown to Zep", draft: false, ct);
            if (summary.Status == BatchSummary.Invalid) return await GiveUpAsync(batchId, "batch invalid", draft: true, ct);
            if (summary.Status != BatchSummary.Draft)
            {
                _ledger.StageProcess(batchId, WriteState.Confirmed);
                await _ledger.SaveAsync(ct);
                return await FinishAsync(batchId, calls, byKey, ct);
            }
            if (!await ReconcileAsync(batchId, calls, summary.ItemCount, byKey, ct))
                return await GiveUpAsync(batchId, "batch differs from the ledger", draft: true, ct);
        }

        var inBatch = calls.SelectMany(c => c.Keys).ToHashSet(StringComparer.Ordinal);
        var candidates = await CandidatesAsync(entries, inBatch, ct);
        var room = Math.Min(options.MaxItemsPerBatch, ZepClient.MaxItemsPerBatch) - inBatch.Count;
        var take = BatchItemPlanner.TakeWholeUnits(candidates, room);
        if (batchId is null)
        {
            if (take.Count == 0) return Round.NothingToDo;
            batchId = await OpenAsync(ct);
            if (batchId is null) return Round.Unavailable;
        }

        var next = calls.Count == 0 ? 0 : calls[^1].End;
        foreach (var chunk in BatchItemPlanner.Calls(take))
        {
            var call = new BatchAddCall(calls.Count, next, chunk.Select(e => e.Key).ToList(), WriteState.Sent);
            _ledger.StageCall(batchId, call, WriteState.Sent);
            foreach (var unit in chunk.DistinctBy(e => e.UnitKey).Where(e => units.StateOf(e.UnitKey) != WriteState.Sent))
                units.Stage(unit.UnitKey, unit.UnitKind, WriteState.Sent);
            await _ledger.SaveAsync(ct);
            var (uuids, refused) = await AddAsync(batchId, chunk, ct);
            if (refused is not null) return await GiveUpAsync(batchId, refused, draft: true, ct);
            call = call with { State = WriteState.Confirmed, Uuids = uuids };
            _ledger.StageCall(batchId, call, WriteState.Confirmed);
            await _ledger.SaveAsync(ct);
            calls.Add(call);
            next = call.End;
        }

        if (next == 0)
        {
            await zep.DeleteBatchAsync(batchId, ct);
            _ledger.StageSettled(batchId);
            await _ledger.SaveAsync(ct);
            return Round.NothingToDo;
        }

        _ledger.StageProcess(batchId, WriteState.Sent);
        await _ledger.SaveAsync(ct);
        if (await zep.ProcessBatchAsync(batchId, ct) == BatchProcessOutcome.Invalid)
            return await GiveUpAsync(batchId, "batch invalid", draft: true, ct);
        _ledger.StageProcess(batchId, WriteState.Confirmed);
        await _ledger.SaveAsync(ct);
        return await FinishAsync(batchId, calls, byKey, ct);
    }

    /// <summary>
    /// Creates the batch under write-ahead; null when the Batch API is not served (404). When an earlier create's answer
    /// was lost, the draft it made is found by its key in the metadata and reused, so no stray batch is left behind.
    /// </summary>
    private async Task<string?> OpenAsync(CancellationToken ct)
    {
        if (_ledger.CreateOutcomeUnknown && await zep.FindDraftBatchAsync(IdempotencyKey.MetadataKey, _ledger.BatchKey, ct) is { ItemCount: 0 } earlier)
        {
            _ledger.StageOpened(earlier.BatchId);
            await _ledger.SaveAsync(ct);
            return earlier.BatchId;
        }
        _ledger.StageOpening();
        await _ledger.SaveAsync(ct);
        BatchSummary created;
        try
        {
            created = await zep.CreateBatchAsync(new CreateBatchRequest(new JsonObject
            {
                [IdempotencyKey.MetadataKey] = _ledger.BatchKey,
                ["migrated_by"] = "pixelated-migration",
            }), ct);
        }
        catch (ZepApiException e) when (e.Kind == ZepOutcomeKind.NotFound)
        {
            _ledger.StageUnavailable("Batch API not served (404 on create batch)");
            await _ledger.SaveAsync(ct);
            return null;
        }
        _ledger.StageOpened(created.BatchId);
        await _ledger.SaveAsync(ct);
        return created.BatchId;
    }

    /// <summary>Adds one call's items: Zep's uuids for them in order (null when its answer did not give them all), or the reason Zep refused them (nothing was added then).</summary>
    private async Task<(IReadOnlyList<string>? Uuids, string? Refused)> AddAsync(string batchId, IReadOnlyList<BatchEntry> chunk, CancellationToken ct)
    {
        try
        {
            var added = await zep.AddBatchItemsAsync(batchId, chunk.Select(e => e.Item).ToList(), ct);
            var uuids = added.OrderBy(a => a.SequenceIndex).Select(a => a.ZepUuid).ToList();
            return (uuids.Count == chunk.Count && uuids.All(u => !string.IsNullOrEmpty(u)) ? uuids.Select(u => u!).ToList() : null, null);
        }
        catch (ZepApiException e) when (e.Failure.IsRefusal)
        {
            return (null, e.Describe());
        }
    }

    /// <summary>
    /// A draft batch after a crash: every recorded call but the last is confirmed; the batch's item count tells how much of
    /// a last call with unknown outcome landed (adds are atomic and only this user's holder of the lock adds), and only the
    /// rest is sent. False when the batch does not match the ledger.
    /// </summary>
    private async Task<bool> ReconcileAsync(
        string batchId, List<BatchAddCall> calls, int itemCount, IReadOnlyDictionary<string, BatchEntry> byKey, CancellationToken ct)
    {
        var expected = 0;
        for (var i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            if (call.Start != expected) return false;
            if (call.State == WriteState.Sent)
            {
                if (i != calls.Count - 1 || itemCount < call.Start || itemCount > call.End) return false;
                var missing = call.Keys.Skip(itemCount - call.Start).ToList();
                if (missing.Count > 0)
                {
                    if (!missing.All(byKey.ContainsKey)) return false;
                    if ((await AddAsync(batchId, missing.Select(k => byKey[k]).ToList(), ct)).Refused is not null) return false;
                }
                _ledger.StageCall(batchId, call, WriteState.Confirmed);
                await _ledger.SaveAsync(ct);
                calls[i] = call with { State = WriteState.Confirmed };
            }
            expected = call.End;
        }
        return itemCount == expected;
    }

    /// <summary>
    /// The entries still to write: units neither confirmed nor failed, minus what the open batch holds; a <c>Sent</c> unit
    /// (an earlier attempt's outcome unknown) is read back from Zep and only its absent items remain. Units found
    /// entirely in Zep are confirmed.
    /// </summary>
    private async Task<IReadOnlyList<BatchEntry>> CandidatesAsync(IReadOnlyList<BatchEntry> entries, IReadOnlySet<string> inBatch, CancellationToken ct)
    {
        var readBack = new ZepReadBack(zep, userKey); // fresh each round: a processed batch changed Zep
        var result = new List<BatchEntry>();
        var confirmed = false;
        foreach (var unit in BatchItemPlanner.GroupByUnit(entries))
        {
            var head = unit[0];
            var state = units.StateOf(head.UnitKey);
            if (state is WriteState.Confirmed or WriteState.Failed) continue;
            var absent = unit.Where(e => !inBatch.Contains(e.Key)).ToList();
            if (state == WriteState.Sent && absent.Count > 0)
            {
                var present = new List<BatchEntry>();
                foreach (var e in absent)
                {
                    var found = head.UnitKind == WriteUnitKind.Episode
                        ? await readBack.HasEpisodeAsync(e.Key, ct)
                        : (await readBack.ThreadMessagesAsync(e.Item.ThreadId!, ct)).ContainsKey(e.Key);
                    if (found) present.Add(e);
                }
                absent = absent.Except(present).ToList();
                if (absent.Count == 0 && !unit.Any(e => inBatch.Contains(e.Key)))
                {
                    units.Stage(head.UnitKey, head.UnitKind, WriteState.Confirmed, error: null);
                    confirmed = true;
                    continue;
                }
            }
            result.AddRange(absent);
        }
        if (confirmed) await units.SaveStagedAsync(ct);
        return result;
    }

    /// <summary>Polls until the batch is terminal, then records each item's result in its unit.</summary>
    private async Task<Round> FinishAsync(string batchId, IReadOnlyList<BatchAddCall> calls, IReadOnlyDictionary<string, BatchEntry> byKey, CancellationToken ct)
    {
        var summary = await batches.UntilTerminalAsync(batchId, ct);
        if (summary is null) return await GiveUpAsync(batchId, "batch unknown to Zep", draft: false, ct);
        if (summary.Status == BatchSummary.Invalid) return await GiveUpAsync(batchId, "batch invalid", draft: true, ct);
        // All succeeded and every call's uuids known from Zep's answers: no need to list the items.
        var items = summary.Status == BatchItemDetail.Succeeded && summary.ItemCount == (calls.Count == 0 ? 0 : calls[^1].End)
                    && calls.All(c => c.Uuids?.Count == c.Keys.Count)
            ? calls.SelectMany(c => c.Uuids!.Select((uuid, i) => new BatchItemDetail(null, null, BatchItemDetail.Succeeded, c.Start + i, uuid))).ToList()
            : await zep.GetAllBatchItemsAsync(batchId, ct);
        if (items is null) return await GiveUpAsync(batchId, "batch unknown to Zep", draft: false, ct);

        var settled = BatchResults.Record(calls, items, byKey, units, failedItems);
        _ledger.StageSettled(batchId);
        await _ledger.SaveAsync(ct);
        return settled > 0 ? Round.Settled : Round.Stalled;
    }

    /// <summary>
    /// Gives the batch up: it is never processed (or, when <paramref name="draft"/> is false, Zep lost it). Its units stay
    /// <c>Sent</c>, so the sequential writer reads Zep back before writing them.
    /// </summary>
    private async Task<Round> GiveUpAsync(string batchId, string reason, bool draft, CancellationToken ct)
    {
        _ledger.StageGivenUp(reason);
        await _ledger.SaveAsync(ct);
        if (draft) await batches.TryDeleteDraftAsync(batchId, ct);
        return Round.GivenUp;
    }
}
