using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Sync;

/// <summary>What one side of a comparison holds of an item: its kind, the SHA-256 of its content, and whether it is live.</summary>
/// <param name="Live">
/// An export: the source does not mark the item inactive (<c>SourceItem.InactiveReason</c> null). A run: the item is in Zep
/// as that run left it (migrated, or unchanged since an earlier run).
/// </param>
public sealed record ExportDiffEntry(StagedItemKind Kind, string ContentHash, bool Live);

/// <summary>
/// One side of an <see cref="ExportDiff"/>: the items of an export, or of what a run migrated, by (mem0 user, item key) with
/// their content hashes. Keys and hashes only: no content is kept. Built by <see cref="ExportDiffSides"/>.
/// </summary>
public sealed class ExportDiffSide
{
    private readonly Dictionary<(string User, string ItemKey), ExportDiffEntry> _items = [];

    /// <summary>Records that could not be read (an export's failed records); they are in neither count of the comparison.</summary>
    public int Problems { get; private set; }

    public IReadOnlyDictionary<(string User, string ItemKey), ExportDiffEntry> Items => _items;

    /// <summary>
    /// Adds an item unless the side already holds one under the same user and key: the first one read wins, as staging keeps
    /// the first of an item seen twice (two pages, a listing and a history).
    /// </summary>
    public bool TryAdd(string user, string itemKey, ExportDiffEntry entry) => _items.TryAdd((user, itemKey), entry);

    public void CountProblem() => Problems++;
}
