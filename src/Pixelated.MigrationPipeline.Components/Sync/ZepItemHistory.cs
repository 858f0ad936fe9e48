using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.Components.Validation;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Sync;

/// <summary>
/// A user's history read from Zep (Zep is the truth: a ledger that never saw the user still tells a changed memory from an
/// unchanged one). The episodes the migration wrote carry <c>mem0_id</c>; a later version also <c>pxm_version</c> and
/// <c>pxm_hash</c>. The first version carries no hash: it is unchanged when Zep holds exactly the episodes the item's text
/// plans to at version 0.
/// </summary>
public static class ZepItemHistory
{
    public static ItemHistory From(IReadOnlyList<ZepEpisode> episodes, IReadOnlyList<StagedItem> items, UserPlan firstVersionPlan)
    {
        var byKey = episodes.Where(e => ZepReadBack.KeyOf(e.Metadata) is not null).GroupBy(e => ZepReadBack.KeyOf(e.Metadata)!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var hashes = items.Where(i => i.Kind == StagedItemKind.Memory).GroupBy(i => i.ItemKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().ContentHash, StringComparer.Ordinal);
        var planned = firstVersionPlan.Episodes.GroupBy(e => e.ItemKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var result = new Dictionary<string, ItemPast>(StringComparer.Ordinal);
        foreach (var item in episodes.Where(e => EpisodeMetadata.Mem0Id(e.Metadata) is not null).GroupBy(e => "memory:" + EpisodeMetadata.Mem0Id(e.Metadata), StringComparer.Ordinal))
        {
            var versions = item.Select(e => (Episode: e, Version: EpisodeMetadata.Number(e.Metadata, IdempotencyKey.VersionMetadataKey) ?? 0)).ToList();
            var latest = versions.MaxBy(v => v.Version);
            string? hash;
            if (latest.Version > 0) hash = EpisodeMetadata.Text(latest.Episode.Metadata, IdempotencyKey.HashMetadataKey);
            else
                hash = hashes.TryGetValue(item.Key, out var current) && planned.TryGetValue(item.Key, out var parts)
                       && parts.All(p => byKey.TryGetValue(p.Key, out var held) && PlanComparer.SameData(held.Content, p.Request))
                    ? current : null;
            result[item.Key] = new ItemPast(item.Key, StagedItemKind.Memory, hash ?? "", latest.Version, latest.Version, 0, DeletedState.No);
        }
        return new ItemHistory(result);
    }
}
