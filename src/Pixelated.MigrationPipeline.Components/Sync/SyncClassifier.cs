using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Sync;

/// <summary>
/// Compares a user's items in this run with what earlier runs migrated (<see cref="ItemHistory"/>): each memory is new,
/// changed or unchanged, and gets the content version to write; each message is new or already written (and keeps the run
/// that wrote it); a memory migrated before and now marked deleted in the export, or absent from an export that declares
/// itself complete, is deleted in the source.
/// </summary>
public static class SyncClassifier
{
    /// <summary>How staging words the reason of an item the export marks deleted (the readers' <c>deleted</c>, then <c>in source (position)</c>).</summary>
    public const string DeletedInSource = "deleted in source";

    /// <param name="toWrite">The user's items this run writes (staged or already migrated by an earlier attempt).</param>
    /// <param name="others">The user's other rows in this run (skipped, failed; deleted ones an earlier attempt recorded).</param>
    public static SyncDecision Classify(string zepUserId, ItemHistory history, IReadOnlyList<StagedItem> toWrite, IReadOnlyList<StagedItem> others,
        bool fullExport)
    {
        if (history.IsEmpty)
            return new SyncDecision(SyncContext.None, toWrite.ToDictionary(i => i.ItemKey, _ => new ItemOutcome(ItemChange.New, 0), StringComparer.Ordinal), []);
        var versions = new Dictionary<string, ItemVersion>(StringComparer.Ordinal);
        var generations = new Dictionary<string, int>(StringComparer.Ordinal);
        var outcomes = new Dictionary<string, ItemOutcome>(StringComparer.Ordinal);
        foreach (var item in toWrite)
        {
            var past = history.Of(item.ItemKey);
            if (item.Kind == StagedItemKind.ConversationMessage)
            {
                if (past is not null) generations[item.ItemKey] = past.FirstRun;
                outcomes[item.ItemKey] = new ItemOutcome(past is null ? ItemChange.New : ItemChange.Unchanged, 0);
                continue;
            }
            var (change, version) = VersionOf(zepUserId, item, past);
            if (version.Number > 0) versions[item.ItemKey] = version;
            outcomes[item.ItemKey] = new ItemOutcome(change, version.Number);
        }

        var present = toWrite.Select(i => i.ItemKey).Concat(others.Select(i => i.ItemKey)).ToHashSet(StringComparer.Ordinal);
        var markedDeleted = others.Where(i => i.Kind == StagedItemKind.Memory
                                              && (i.Change == ItemChange.Deleted || i.Reason?.StartsWith(DeletedInSource, StringComparison.Ordinal) == true))
            .ToDictionary(i => i.ItemKey, StringComparer.Ordinal);
        var deleted = history.Items.Values
            .Where(p => p.Kind == StagedItemKind.Memory && p.Deleted == DeletedState.No)
            .Where(p => markedDeleted.ContainsKey(p.ItemKey) || (fullExport && !present.Contains(p.ItemKey)))
            .Select(p => new DeletedItem(p, markedDeleted.GetValueOrDefault(p.ItemKey)))
            .ToList();
        return new SyncDecision(new SyncContext(versions, generations), outcomes, deleted);
    }

    private static (ItemChange Change, ItemVersion Version) VersionOf(string zepUserId, StagedItem item, ItemPast? past)
    {
        if (past is null) return (ItemChange.New, ItemVersion.First);
        if (past.Deleted == DeletedState.RemovedFromZep) return (ItemChange.Changed, new ItemVersion(past.MaxVersion + 1, null));
        if (past.LatestHash is not null
            && string.Equals(IdempotencyKey.VersionHash(past.LatestHash), IdempotencyKey.VersionHash(item.ContentHash), StringComparison.Ordinal))
            return (ItemChange.Unchanged, new ItemVersion(past.LatestVersion, null));
        var supersedes = IdempotencyKey.ForEpisodeVersion(zepUserId, item.ItemKey, past.LatestVersion, past.LatestHash ?? "", 0);
        return (ItemChange.Changed, new ItemVersion(past.MaxVersion + 1, supersedes));
    }
}

/// <summary>What a sync does with a user: the planner's context, each item's change and version, and the memories deleted in the source.</summary>
public sealed record SyncDecision(SyncContext Context, IReadOnlyDictionary<string, ItemOutcome> Items, IReadOnlyList<DeletedItem> Deleted)
{
    public ItemOutcome OutcomeOf(string itemKey) => Items.TryGetValue(itemKey, out var o) ? o : new ItemOutcome(ItemChange.New, 0);

    /// <summary>Nothing to write or delete: every item was migrated before with the same text.</summary>
    public bool Unchanged => Deleted.Count == 0 && Items.Values.All(o => o.Change == ItemChange.Unchanged);
}

public readonly record struct ItemOutcome(ItemChange Change, int Version);

/// <summary>A memory deleted in the source: as earlier runs left it, and this run's row for it (null when the export lacks it).</summary>
public sealed record DeletedItem(ItemPast Past, StagedItem? Row);
