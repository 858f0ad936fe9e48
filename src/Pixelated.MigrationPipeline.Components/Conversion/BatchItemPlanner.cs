using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Conversion;

/// <summary>
/// One Batch API item: the batch form of a planned message or episode. <see cref="Key"/> is the message's or episode's
/// idempotency key (also in its metadata); <see cref="UnitKey"/> is the ledger unit it belongs to (the add-messages chunk
/// of ≤ 30, or the episode), so the ledger is the same whichever write mode wrote it.
/// </summary>
public sealed record BatchEntry(string Key, string UnitKey, WriteUnitKind UnitKind, string ItemKey, BatchAddItem Item);

/// <summary>Pure: which batch items a plan becomes, in which order, and how they are cut into add-items calls.</summary>
public static class BatchItemPlanner
{
    /// <summary>
    /// Every batch item of the plan, in the order it must be added: the usable threads in plan order, each thread's
    /// messages in chronological order, then the episodes. A unit's items are contiguous.
    /// </summary>
    public static IReadOnlyList<BatchEntry> Entries(UserPlan plan, IReadOnlyCollection<PlannedThread> usableThreads)
    {
        var usable = usableThreads.Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        var messages = plan.Threads.Where(t => usable.Contains(t.Key))
            .SelectMany(t => t.Batches.SelectMany(b => b.Messages.Select(m =>
                new BatchEntry(m.Key, b.Key, WriteUnitKind.Messages, m.ItemKey, BatchAddItem.Message(t.ThreadId, m.Message)))));
        var episodes = plan.Episodes.Select(e =>
            new BatchEntry(e.Key, e.Key, WriteUnitKind.Episode, e.ItemKey, BatchAddItem.Episode(e.Request)));
        return messages.Concat(episodes).ToList();
    }

    /// <summary>
    /// The first entries that fit in <paramref name="room"/> without splitting a unit across batches
    /// (a unit is confirmed by the batch that holds all of it).
    /// </summary>
    public static IReadOnlyList<BatchEntry> TakeWholeUnits(IReadOnlyList<BatchEntry> entries, int room)
    {
        var taken = new List<BatchEntry>();
        foreach (var unit in GroupByUnit(entries))
        {
            if (taken.Count + unit.Count > room) break;
            taken.AddRange(unit);
        }
        return taken;
    }

    /// <summary>Consecutive entries of the same unit, in order.</summary>
    public static IEnumerable<IReadOnlyList<BatchEntry>> GroupByUnit(IEnumerable<BatchEntry> entries)
    {
        List<BatchEntry>? current = null;
        foreach (var entry in entries)
        {
            if (current is not null && current[0].UnitKey != entry.UnitKey)
            {
                yield return current;
                current = null;
            }
            (current ??= []).Add(entry);
        }
        if (current is not null) yield return current;
    }

    /// <summary>Add-items calls of at most <see cref="ZepClient.MaxBatchItemsPerCall"/> items, order kept.</summary>
    public static IReadOnlyList<IReadOnlyList<BatchEntry>> Calls(IReadOnlyList<BatchEntry> entries, int perCall = ZepClient.MaxBatchItemsPerCall) =>
        entries.Chunk(perCall).Select(c => (IReadOnlyList<BatchEntry>)c).ToList();
}
