using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>
/// One user's side of a shared batch (<see cref="SharedBatchPool"/>): its units not yet sent go <c>Sent</c> with the batch's
/// id in one save before any item is added, and the outcome is recorded in its ledger: results confirm or fail units
/// (with Zep's uuids); a batch given up (never processed) releases them for the sequential writer to send without a
/// read-back; a lost batch leaves them <c>Sent</c> (read back first). Units not settled by the batch stay for the sequential writer.
/// </summary>
public sealed class SharedBatchWriter(SharedBatchPool pool, WriteUnitLedger units, FailedItems failedItems)
{
    /// <summary>The entries whose units were never sent (the only ones a shared batch takes).</summary>
    public IReadOnlyList<BatchEntry> Unsent(IReadOnlyList<BatchEntry> entries) =>
        entries.Where(e => units.StateOf(e.UnitKey) == WriteState.Pending).ToList();

    /// <summary>False when Zep does not serve the Batch API (nothing was written).</summary>
    public async Task<bool> WriteAsync(IReadOnlyList<BatchEntry> unsent, CancellationToken ct)
    {
        var groups = BatchItemPlanner.GroupByUnit(unsent).ToList();
        var outcome = await pool.WriteAsync(unsent, async (batchId, token) =>
        {
            foreach (var unit in groups) units.Stage(unit[0].UnitKey, unit[0].UnitKind, WriteState.Sent, zepIds: SharedBatchRef.Of(batchId));
            await units.SaveStagedAsync(token);
        }, ct);

        switch (outcome)
        {
            case SharedBatchOutcome.Unavailable:
                return false;
            case SharedBatchOutcome.GivenUp given:
                foreach (var unit in groups) units.Stage(unit[0].UnitKey, unit[0].UnitKind, WriteState.Pending, zepIds: "", error: given.Reason);
                return true;
            case SharedBatchOutcome.Settled settled:
                var call = new BatchAddCall(0, settled.Start, unsent.Select(e => e.Key).ToList(), WriteState.Confirmed);
                BatchResults.Record([call], settled.Items, unsent.ToDictionary(e => e.Key, StringComparer.Ordinal), units, failedItems);
                return true;
            default: // Lost: what landed is unknown; the units stay Sent and are read back before anything is resent
                return true;
        }
    }
}
