using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Sync;

/// <summary>
/// What earlier runs migrated of one user's items, from this ledger (<see cref="LoadAsync"/>) or, on a ledger that never
/// saw the user, from the metadata of the episodes Zep holds (<see cref="ZepItemHistory"/>).
/// </summary>
public sealed class ItemHistory(IReadOnlyDictionary<string, ItemPast> items)
{
    public static readonly ItemHistory Empty = new(new Dictionary<string, ItemPast>());

    public IReadOnlyDictionary<string, ItemPast> Items { get; } = items;
    public bool IsEmpty => Items.Count == 0;

    public ItemPast? Of(string itemKey) => Items.TryGetValue(itemKey, out var past) ? past : null;

    /// <summary>
    /// The user's items as the runs before <paramref name="runId"/> (not dry runs) left them: for each, the latest text
    /// migrated (its hash and version), the highest version written, the first run that wrote it, and whether it was
    /// deleted in the source since. Two queries: the runs, then the user's rows in the earlier ones.
    /// </summary>
    public static async Task<ItemHistory> LoadAsync(LedgerDbContext db, Guid runId, string userKey, CancellationToken ct)
    {
        var runs = await db.Runs.AsNoTracking().Where(r => !r.DryRun).Select(r => new { r.Id, r.CreatedAt }).ToListAsync(ct);
        return await LoadAsync(db, runId, userKey, runs.Select(r => (r.Id, r.CreatedAt)).ToList(), ct);
    }

    /// <summary>As <see cref="LoadAsync(LedgerDbContext, Guid, string, CancellationToken)"/>, given the ledger's runs (id, creation) that are not dry runs.</summary>
    public static async Task<ItemHistory> LoadAsync(LedgerDbContext db, Guid runId, string userKey, IReadOnlyList<(Guid Id, DateTimeOffset CreatedAt)> runs,
        CancellationToken ct)
    {
        var ids = EarlierRuns(runs, runId);
        if (ids.Count == 0) return Empty;
        var order = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        var rows = await db.StagedItems.AsNoTracking()
            .Where(i => ids.Contains(i.RunId) && i.UserKey == userKey && i.Kind != StagedItemKind.Unreadable
                        && (i.Status == ItemStatus.Migrated || i.Change == ItemChange.Deleted))
            .Select(i => new { i.RunId, i.ItemKey, i.Kind, i.ContentHash, i.Version, i.Change, i.Status })
            .ToListAsync(ct);
        var items = new Dictionary<string, ItemPast>(StringComparer.Ordinal);
        foreach (var item in rows.GroupBy(r => r.ItemKey, StringComparer.Ordinal))
        {
            var inOrder = item.OrderBy(r => order[r.RunId]).ToList();
            var written = inOrder.Where(r => r.Status == ItemStatus.Migrated && r.Change != ItemChange.Deleted).ToList();
            // An item this ledger only ever saw deleted (a sync on a new ledger found it in Zep, deleted in the source) is
            // known by that deletion: its episodes are Zep's, left or deleted.
            var latest = written.Count > 0 ? written[^1] : inOrder[^1];
            var last = inOrder[^1];
            var deleted = last.Change != ItemChange.Deleted ? DeletedState.No
                : last.Status == ItemStatus.Migrated ? DeletedState.RemovedFromZep : DeletedState.LeftInZep;
            items[item.Key] = new ItemPast(item.Key, latest.Kind, latest.ContentHash, latest.Version, inOrder.Max(r => r.Version),
                order[(written.Count > 0 ? written[0] : inOrder[0]).RunId], deleted);
        }
        return new ItemHistory(items);
    }

    /// <summary>The runs created before <paramref name="runId"/> (by creation, oldest first) among <paramref name="runs"/>; none when it is not among them.</summary>
    public static List<Guid> EarlierRuns(IReadOnlyList<(Guid Id, DateTimeOffset CreatedAt)> runs, Guid runId)
    {
        if (!runs.Any(r => r.Id == runId)) return [];
        var created = runs.First(r => r.Id == runId).CreatedAt;
        return runs.Where(r => r.Id != runId && r.CreatedAt <= created).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Select(r => r.Id).ToList();
    }
}

/// <summary>
/// One item as earlier runs left it. <see cref="LatestHash"/> is the SHA-256 of the latest text migrated; null when only
/// Zep's copy is known and it is the first version, which carries no hash (its text is compared instead).
/// </summary>
public sealed record ItemPast(string ItemKey, StagedItemKind Kind, string? LatestHash, int LatestVersion, int MaxVersion, int FirstRun,
    DeletedState Deleted);

public enum DeletedState
{
    No,
    /// <summary>Deleted in the source by an earlier run's export; its episodes were left in Zep.</summary>
    LeftInZep,
    /// <summary>Deleted in the source, and its episodes deleted from Zep.</summary>
    RemovedFromZep,
}
