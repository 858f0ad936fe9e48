using System.Text.Json;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>
/// One add-items call as the ledger records it (in its unit's <c>ZepIds</c>): the sequence index of its first item in the
/// batch and the keys of its items in order, so item <c>i</c> of the call is sequence index <c>Start + i</c>; once
/// confirmed from Zep's answer, also the uuids Zep gave the items (the episode/message uuids once processed).
/// </summary>
public sealed record BatchAddCall(int Index, int Start, IReadOnlyList<string> Keys, WriteState State, IReadOnlyList<string>? Uuids = null)
{
    public int End => Start + Keys.Count;

    public string ToJson() => JsonSerializer.Serialize(new Range(Start, Keys, Uuids));

    public static BatchAddCall? Parse(int index, string? json, WriteState state)
    {
        if (string.IsNullOrEmpty(json)) return null;
        var range = JsonSerializer.Deserialize<Range>(json);
        return range?.Keys is null ? null : new BatchAddCall(index, range.Start, range.Keys, state, range.Uuids);
    }

    private sealed record Range(int Start, IReadOnlyList<string> Keys, IReadOnlyList<string>? Uuids);
}

/// <summary>
/// The Batch API's bookkeeping on top of <see cref="WriteUnitLedger"/> (no extra schema: <see cref="ZepWriteUnit"/> rows of
/// kinds Batch, BatchItems, BatchProcess). The user's batch unit is <c>Sent</c> while a batch is open (its id in
/// <c>ZepIds</c> once created), <c>Confirmed</c> once its results are recorded, <c>Failed</c> when it was given up.
/// </summary>
public sealed class BatchLedger(WriteUnitLedger units, string userKey)
{
    private const int MaxCalls = Zep.ZepClient.MaxItemsPerBatch / Zep.ZepClient.MaxBatchItemsPerCall + 1;

    public string BatchKey { get; } = IdempotencyKey.ForBatch(userKey);

    public WriteUnitLedger Units => units;

    public Task LoadAsync(CancellationToken ct) => units.LoadMoreAsync([BatchKey], ct);

    /// <summary>The batch still open for this user (created, results not yet recorded), if any.</summary>
    public string? OpenBatchId =>
        units.StateOf(BatchKey) == WriteState.Sent && units.ZepIdsOf(BatchKey) is { Length: > 0 } id ? id : null;

    /// <summary>A create call went out and its answer was never recorded: the batch may exist in Zep (find it by its key).</summary>
    public bool CreateOutcomeUnknown =>
        units.StateOf(BatchKey) == WriteState.Sent && units.ZepIdsOf(BatchKey) is null or { Length: 0 };

    /// <summary>The add-items calls recorded for a batch, in order (a call is <c>Sent</c> while its outcome is unknown).</summary>
    public async Task<List<BatchAddCall>> LoadCallsAsync(string batchId, CancellationToken ct)
    {
        var keys = Enumerable.Range(0, MaxCalls).Select(i => IdempotencyKey.ForBatchAdd(batchId, i)).ToList();
        await units.LoadMoreAsync(keys.Append(IdempotencyKey.ForBatchProcess(batchId)), ct);
        var calls = new List<BatchAddCall>();
        for (var i = 0; i < keys.Count; i++)
        {
            var state = units.StateOf(keys[i]);
            if (state is not (WriteState.Sent or WriteState.Confirmed)) break;
            if (BatchAddCall.Parse(i, units.ZepIdsOf(keys[i]), state) is not { } call) break;
            calls.Add(call);
        }
        return calls;
    }

    public void StageOpening() => units.Stage(BatchKey, WriteUnitKind.Batch, WriteState.Sent, zepIds: "");

    public void StageOpened(string batchId) => units.Stage(BatchKey, WriteUnitKind.Batch, WriteState.Sent, zepIds: batchId);

    public void StageUnavailable(string reason) => units.Stage(BatchKey, WriteUnitKind.Batch, WriteState.Pending, error: reason);

    public void StageSettled(string batchId) => units.Stage(BatchKey, WriteUnitKind.Batch, WriteState.Confirmed, zepIds: batchId);

    public void StageGivenUp(string reason) => units.Stage(BatchKey, WriteUnitKind.Batch, WriteState.Failed, error: reason);

    public void StageCall(string batchId, BatchAddCall call, WriteState state) =>
        units.Stage(IdempotencyKey.ForBatchAdd(batchId, call.Index), WriteUnitKind.BatchItems, state, zepIds: call.ToJson());

    public void StageProcess(string batchId, WriteState state) =>
        units.Stage(IdempotencyKey.ForBatchProcess(batchId), WriteUnitKind.BatchProcess, state);

    public Task SaveAsync(CancellationToken ct) => units.SaveStagedAsync(ct);
}
