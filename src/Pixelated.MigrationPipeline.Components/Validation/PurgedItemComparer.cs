using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep.Api;
using Finding = Pixelated.MigrationPipeline.Components.Validation.PlanComparer.Finding;

namespace Pixelated.MigrationPipeline.Components.Validation;

/// <summary>
/// Validates items whose payload was purged from the ledger (<see cref="Retention.StagedContent"/>): their plan cannot be
/// rebuilt, so Zep's records are found by the items' own keys (part 0, then as many parts as its <c>pxm_part</c> says), the
/// parts' text joined (for a structured memory, the <c>memory</c> field of each part's JSON) and its SHA-256 compared with
/// the staged <c>content_hash</c>; created_at and (messages) role are compared as for any item.
/// </summary>
public static class PurgedItemComparer
{
    private const int MaxParts = 100_000;

    /// <summary>The Zep thread a purged message belongs to (its session is kept).</summary>
    public static string ThreadOf(string userKey, StagedItem item) => UserPlanner.ThreadIdFor(userKey, item.SessionId ?? "default");

    public static IEnumerable<Finding> Compare(string userKey, IReadOnlyList<StagedItem> purged, IReadOnlyList<ZepEpisode> episodes,
        IReadOnlyDictionary<string, IReadOnlyList<ZepMessage>> threadMessages)
    {
        var episodesByKey = ByKey(episodes, e => e.Metadata);
        foreach (var item in purged.Where(i => i.Kind == StagedItemKind.Memory))
        {
            var parts = Parts(episodesByKey, p => IdempotencyKey.ForEpisodeVersion(userKey, item.ItemKey, item.Version, item.ContentHash, p), e => e.Metadata, out var count);
            if (count is not null) { yield return new Finding(item.ItemKey, count.Value, "item"); continue; }
            if (!SameHash(item, parts!.Select(EpisodeText)))
                yield return new Finding(item.ItemKey, FindingKind.Differs, "content");
            if (parts!.Any(e => !SameInstant(e.CreatedAt, UserPlanner.EpisodeDate(item, item.Version))))
                yield return new Finding(item.ItemKey, FindingKind.Differs, "created_at");
        }

        foreach (var thread in purged.Where(i => i.Kind == StagedItemKind.ConversationMessage).GroupBy(i => ThreadOf(userKey, i), StringComparer.Ordinal))
        {
            var byKey = ByKey(threadMessages.TryGetValue(thread.Key, out var list) ? list : [], m => m.Metadata);
            foreach (var item in thread)
            {
                var parts = Parts(byKey, p => IdempotencyKey.ForMessage(thread.Key, item.ItemKey, p), m => m.Metadata, out var count);
                if (count is not null) { yield return new Finding(item.ItemKey, count.Value, "item"); continue; }
                if (!SameHash(item, parts!.Select(m => (string?)m.Content)))
                    yield return new Finding(item.ItemKey, FindingKind.Differs, "content");
                var role = RoleMapper.Map(item.Role, out _);
                if (parts!.Any(m => !string.Equals(m.Role, role, StringComparison.Ordinal)))
                    yield return new Finding(item.ItemKey, FindingKind.Differs, "role");
                if (parts!.Any(m => !SameInstant(m.CreatedAt, item.CreatedAt)))
                    yield return new Finding(item.ItemKey, FindingKind.Differs, "created_at");
            }
        }
    }

    /// <summary>
    /// The keys of the records Zep holds for purged items (migrated or failed): a record is the item's when its key is the
    /// item's key for the part its <c>pxm_part</c> names (part 0 without one).
    /// </summary>
    public static IEnumerable<string> KnownKeys(string userKey, IReadOnlyList<StagedItem> purged, IReadOnlyList<ZepEpisode> episodes,
        IReadOnlyDictionary<string, IReadOnlyList<ZepMessage>> threadMessages)
    {
        var memoryItems = purged.Where(i => i.Kind == StagedItemKind.Memory).GroupBy(i => i.ItemKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var memories = memoryItems.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var e in episodes)
        {
            if (Candidate(e.Metadata, "memory:", memories) is not { } c) continue;
            var item = memoryItems[c.ItemKey];
            if (IdempotencyKey.ForEpisodeVersion(userKey, c.ItemKey, item.Version, item.ContentHash, c.Part) == c.Key) yield return c.Key;
        }
        var messages = purged.Where(i => i.Kind == StagedItemKind.ConversationMessage).Select(i => i.ItemKey).ToHashSet(StringComparer.Ordinal);
        foreach (var (threadId, list) in threadMessages)
        {
            foreach (var m in list)
            {
                if (Candidate(m.Metadata, "message:", messages) is not { } c) continue;
                if (IdempotencyKey.ForMessage(threadId, c.ItemKey, c.Part) == c.Key) yield return c.Key;
            }
        }
    }

    private static (string Key, string ItemKey, int Part)? Candidate(JsonObject? metadata, string prefix, HashSet<string> itemKeys)
    {
        if (ZepReadBack.KeyOf(metadata) is not { } key || StringOf(metadata, "mem0_id") is not { } sourceId) return null;
        var itemKey = prefix + sourceId;
        if (!itemKeys.Contains(itemKey)) return null;
        var part = PartOf(metadata);
        return part is null ? null : (key, itemKey, part.Value.Index);
    }

    private static ILookup<string, T> ByKey<T>(IEnumerable<T> records, Func<T, JsonObject?> metadata) =>
        records.Where(r => ZepReadBack.KeyOf(metadata(r)) is not null).ToLookup(r => ZepReadBack.KeyOf(metadata(r))!, StringComparer.Ordinal);

    /// <summary>The item's parts in order; null with a Missing / Duplicated finding kind when a part is absent or held twice.</summary>
    private static List<T>? Parts<T>(ILookup<string, T> byKey, Func<int, string> keyOf, Func<T, JsonObject?> metadata, out FindingKind? finding)
    {
        var first = byKey[keyOf(0)].ToList();
        finding = first.Count switch { 0 => FindingKind.Missing, > 1 => FindingKind.Duplicated, _ => null };
        if (finding is not null) return null;
        var count = PartOf(metadata(first[0]))?.Count ?? 1;
        var parts = new List<T>(count) { first[0] };
        for (var p = 1; p < count; p++)
        {
            var found = byKey[keyOf(p)].ToList();
            finding = found.Count switch { 0 => FindingKind.Missing, > 1 => FindingKind.Duplicated, _ => null };
            if (finding is not null) return null;
            parts.Add(found[0]);
        }
        return parts;
    }

    /// <summary><c>pxm_part</c> "i/n" as (index from 0, count); (0, 1) without one; null when malformed.</summary>
    private static (int Index, int Count)? PartOf(JsonObject? metadata)
    {
        if (StringOf(metadata, "pxm_part") is not { } part) return (0, 1);
        var slash = part.IndexOf('/');
        return slash > 0
               && int.TryParse(part.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var i)
               && int.TryParse(part.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
               && n is >= 1 and <= MaxParts && i >= 1 && i <= n
            ? (i - 1, n) : null;
    }

    private static string? StringOf(JsonObject? metadata, string name) =>
        metadata is not null && metadata.TryGetPropertyValue(name, out var node) && node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The text a part carries: the episode's data, or for a structured memory (<c>mem0_kind</c>) its JSON's <c>memory</c>.</summary>
    private static string? EpisodeText(ZepEpisode episode)
    {
        if (StringOf(episode.Metadata, "mem0_kind") is null) return episode.Content;
        try
        {
            using var json = JsonDocument.Parse(episode.Content);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("memory", out var memory)
                   && memory.ValueKind == JsonValueKind.String ? memory.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool SameHash(StagedItem item, IEnumerable<string?> parts)
    {
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            if (part is null) return false;
            text.Append(part);
        }
        return string.Equals(IdempotencyKey.ContentHash(text.ToString()), item.ContentHash, StringComparison.Ordinal);
    }

    /// <summary>As <see cref="PlanComparer"/> compares: with the instant as it was sent (RFC 3339, microseconds).</summary>
    private static bool SameInstant(string? actual, DateTimeOffset? expected) =>
        expected is null
        || (actual is not null && DateTimeOffset.TryParse(actual, CultureInfo.InvariantCulture, out var a)
            && DateTimeOffset.TryParse(UserPlanner.Rfc3339(expected), CultureInfo.InvariantCulture, out var e) && a.UtcTicks == e.UtcTicks);
}
