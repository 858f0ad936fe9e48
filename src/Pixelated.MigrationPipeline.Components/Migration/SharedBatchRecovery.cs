using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>
/// Before a user's items are written: units an earlier attempt left <c>Sent</c> into a shared batch are resolved from that
/// batch's state. The caller holds the user's lock, so the attempt that sent them is over and no pool still works on
/// those items: a batch still a draft (or invalid) was never processed and never will be, so its units are released
/// (sent again without a read-back) and the draft is deleted; a batch still processing is waited for; a finished or
/// unknown batch leaves its units <c>Sent</c>, to be read back before anything of them is written again.
/// </summary>
public static class SharedBatchRecovery
{
    public static async Task ResolveAsync(ZepBatches batches, WriteUnitLedger units, CancellationToken ct)
    {
        var byBatch = units.Sent
            .Select(u => (Unit: u, BatchId: SharedBatchRef.BatchIdOf(u.ZepIds)))
            .Where(x => x.BatchId is not null)
            .GroupBy(x => x.BatchId!, StringComparer.Ordinal)
            .ToList();
        foreach (var batch in byBatch)
        {
            var neverProcessed = await batches.NeverProcessedAsync(batch.Key, ct);
            foreach (var (unit, _) in batch)
            {
                if (neverProcessed) units.Stage(unit.IdempotencyKey, unit.Kind, WriteState.Pending, zepIds: "", error: "shared batch never processed");
                else units.Stage(unit.IdempotencyKey, unit.Kind, WriteState.Sent, zepIds: "", error: unit.LastError); // read back
            }
        }
        if (byBatch.Count > 0) await units.SaveStagedAsync(ct);
    }
}
