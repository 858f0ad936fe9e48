using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>What a finished batch means for one ledger unit. <see cref="State"/> null = unsettled (stays <c>Sent</c>).</summary>
public sealed record BatchUnitOutcome(
    string UnitKey, WriteUnitKind Kind, WriteState? State, string? ZepIds, string? Reason, IReadOnlyList<string> FailedItemKeys);

/// <summary>Turns a terminal batch's items into unit outcomes (pure), and records them.</summary>
public static class BatchResults
{
    /// <summary>
    /// Item <c>i</c> of a call is sequence index <c>Start + i</c>. A unit is confirmed when every one of its items is in this
    /// batch and succeeded (its Zep uuids kept); failed when any of its items failed (those items fail, with Zep's error
    /// code only); otherwise unsettled: it stays <c>Sent</c> and is read back before anything of it is written again.
    /// </summary>
    public static IReadOnlyList<BatchUnitOutcome> Evaluate(
        IReadOnlyList<BatchAddCall> calls, IReadOnlyList<BatchItemDetail> items, IReadOnlyDictionary<string, BatchEntry> byKey)
    {
        var bySequence = new Dictionary<int, BatchItemDetail>();
        foreach (var item in items) bySequence[item.SequenceIndex] = item;
        var unitSizes = byKey.Values.GroupBy(e => e.UnitKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        var perUnit = new Dictionary<string, (BatchEntry Head, List<string> Uuids, List<(string ItemKey, string Reason)> Failures, int Unsettled)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var call in calls)
        {
            for (var i = 0; i < call.Keys.Count; i++)
            {
                if (!byKey.TryGetValue(call.Keys[i], out var entry)) continue;
                if (!perUnit.TryGetValue(entry.UnitKey, out var acc))
                {
                    acc = (entry, [], [], 0);
                    order.Add(entry.UnitKey);
                }
                var result = bySequence.GetValueOrDefault(call.Start + i);
                switch (result?.Status)
                {
                    case BatchItemDetail.Succeeded:
                        acc.Uuids.Add(result.ZepUuid ?? "");
                        break;
                    case BatchItemDetail.Failed:
                        acc.Failures.Add((entry.ItemKey, $"Zep batch item failed: {result.ErrorCode ?? "error"}"));
                        break;
                    default:
                        acc.Unsettled++;
                        break;
                }
                perUnit[entry.UnitKey] = acc;
            }
        }

        return order.Select(key =>
        {
            var (head, uuids, failures, unsettled) = perUnit[key];
            if (failures.Count > 0)
                return new BatchUnitOutcome(key, head.UnitKind, WriteState.Failed, null, failures[0].Reason, failures.Select(f => f.ItemKey).Distinct().ToList());
            var complete = unsettled == 0 && uuids.Count == unitSizes.GetValueOrDefault(key);
            return complete
                ? new BatchUnitOutcome(key, head.UnitKind, WriteState.Confirmed, string.Join(',', uuids), null, [])
                : new BatchUnitOutcome(key, head.UnitKind, null, null, null, []);
        }).ToList();
    }

    /// <summary>Stages the outcomes in the ledger (saved with the batch unit); returns how many units were settled.</summary>
    public static int Record(
        IReadOnlyList<BatchAddCall> calls, IReadOnlyList<BatchItemDetail> items, IReadOnlyDictionary<string, BatchEntry> byKey,
        WriteUnitLedger units, FailedItems failedItems)
    {
        var settled = 0;
        foreach (var outcome in Evaluate(calls, items, byKey))
        {
            if (outcome.State is not { } state) continue;
            units.Stage(outcome.UnitKey, outcome.Kind, state, zepIds: outcome.ZepIds, error: outcome.Reason);
            foreach (var itemKey in outcome.FailedItemKeys) failedItems.Fail(itemKey, outcome.Reason!);
            settled++;
        }
        return settled;
    }
}
