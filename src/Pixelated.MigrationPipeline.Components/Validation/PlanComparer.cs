using System.Text.Json;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Validation;

/// <summary>
/// Compares what a user's plan says Zep must hold with what Zep holds, by idempotency key: missing, duplicated, content /
/// role / created_at differs, and (given the keys the migration knows) unexpected extras. Findings carry keys, Zep uuids and
/// field names only.
/// </summary>
public static class PlanComparer
{
    public sealed record Finding(string ItemKey, FindingKind Kind, string Field);

    public static IReadOnlyList<Finding> Compare(
        UserPlan plan,
        IReadOnlySet<string> itemsToCheck,
        IReadOnlyList<ZepEpisode> episodes,
        IReadOnlyDictionary<string, IReadOnlyList<ZepMessage>> threadMessages,
        IReadOnlySet<string>? knownKeys = null,
        Func<ZepEpisode, bool>? expectedOther = null)
    {
        var findings = new List<Finding>();

        var episodesByKey = episodes.Where(e => ZepReadBack.KeyOf(e.Metadata) is not null)
            .ToLookup(e => ZepReadBack.KeyOf(e.Metadata)!, StringComparer.Ordinal);
        foreach (var expected in plan.Episodes.Where(e => itemsToCheck.Contains(e.ItemKey)))
        {
            var found = episodesByKey[expected.Key].ToList();
            if (CountFinding(expected.ItemKey, found.Count) is { } f) { findings.Add(f); continue; }
            var actual = found[0];
            if (!SameData(actual.Content, expected.Request))
                findings.Add(new Finding(expected.ItemKey, FindingKind.Differs, "content"));
            if (!SameInstant(actual.CreatedAt, expected.Request.CreatedAt))
                findings.Add(new Finding(expected.ItemKey, FindingKind.Differs, "created_at"));
        }

        foreach (var thread in plan.Threads)
        {
            var actualMessages = threadMessages.TryGetValue(thread.ThreadId, out var list) ? list : [];
            var byKey = actualMessages.Where(m => ZepReadBack.KeyOf(m.Metadata) is not null)
                .ToLookup(m => ZepReadBack.KeyOf(m.Metadata)!, StringComparer.Ordinal);
            foreach (var expected in thread.Batches.SelectMany(b => b.Messages).Where(m => itemsToCheck.Contains(m.ItemKey)))
            {
                var found = byKey[expected.Key].ToList();
                if (CountFinding(expected.ItemKey, found.Count) is { } f) { findings.Add(f); continue; }
                var actual = found[0];
                if (!string.Equals(actual.Content, expected.Message.Content, StringComparison.Ordinal))
                    findings.Add(new Finding(expected.ItemKey, FindingKind.Differs, "content"));
                if (!string.Equals(actual.Role, expected.Message.Role, StringComparison.Ordinal))
                    findings.Add(new Finding(expected.ItemKey, FindingKind.Differs, "role"));
                if (!SameInstant(actual.CreatedAt, expected.Message.CreatedAt))
                    findings.Add(new Finding(expected.ItemKey, FindingKind.Differs, "created_at"));
            }
        }
        if (knownKeys is not null) findings.AddRange(Extras(knownKeys, episodes, threadMessages, expectedOther));
        return findings.Distinct().ToList();
    }

    /// <summary>
    /// In the migration's own threads, every message it did not write (no key, or a key no item of the user has); on the
    /// graph, episodes carrying a key it does not know. Episodes without a key are Zep's own (e.g. from thread messages) or
    /// another writer's, and are left alone.
    /// </summary>
    private static IEnumerable<Finding> Extras(IReadOnlySet<string> knownKeys, IReadOnlyList<ZepEpisode> episodes,
        IReadOnlyDictionary<string, IReadOnlyList<ZepMessage>> threadMessages, Func<ZepEpisode, bool>? expectedOther)
    {
        foreach (var episode in episodes)
        {
            if (ZepReadBack.KeyOf(episode.Metadata) is { } key && !knownKeys.Contains(key) && expectedOther?.Invoke(episode) != true)
                yield return new Finding($"zep:episode:{episode.Uuid}", FindingKind.Extra, "item");
        }
        foreach (var (threadId, messages) in threadMessages)
        {
            for (var i = 0; i < messages.Count; i++)
            {
                if (ZepReadBack.KeyOf(messages[i].Metadata) is { } key && knownKeys.Contains(key)) continue;
                yield return new Finding($"zep:message:{messages[i].Uuid ?? $"{threadId}#{i}"}", FindingKind.Extra, "item");
            }
        }
    }

    /// <summary>
    /// The episode holds the planned data: the same string, or for a JSON episode the same JSON (a structured memory written
    /// before issue 17 escaped every non-ASCII character and <c>'</c> <c>&lt;</c> <c>&amp;</c> <c>+</c>; it is planned
    /// readable now, and is the same memory).
    /// </summary>
    public static bool SameData(string actual, AddDataRequest expected)
    {
        if (string.Equals(actual, expected.Data, StringComparison.Ordinal)) return true;
        if (expected.Type != "json") return false;
        try
        {
            using var held = JsonDocument.Parse(actual);
            using var planned = JsonDocument.Parse(expected.Data);
            return JsonElement.DeepEquals(held.RootElement, planned.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false; // not JSON (or strings no UTF-16 can hold): differs
        }
    }

    private static Finding? CountFinding(string itemKey, int count) => count switch
    {
        0 => new Finding(itemKey, FindingKind.Missing, "item"),
        1 => null,
        _ => new Finding(itemKey, FindingKind.Duplicated, "item"),
    };

    private static bool SameInstant(string? actual, string? expected) =>
        expected is null
        || (actual is not null && DateTimeOffset.TryParse(actual, out var a) && DateTimeOffset.TryParse(expected, out var e) && a.UtcTicks == e.UtcTicks);
}
