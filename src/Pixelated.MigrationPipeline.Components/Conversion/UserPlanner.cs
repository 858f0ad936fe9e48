using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Conversion;

/// <summary>
/// Converts a user's staged mem0 items into Zep writes (DESIGN.md §4): memories become user-graph episodes
/// (text, or JSON for structured kinds), conversation messages become thread messages in batches of ≤ 30,
/// with original timestamps and the idempotency key in metadata.
/// </summary>
public static class UserPlanner
{
    public const int MaxMessagesPerCall = 30;
    public const int MaxMessageChars = 4096;
    public const int MaxEpisodeChars = 10_000;
    private const string SourceDescription = "mem0 migration";

    public static UserPlan Plan(string userKey, IEnumerable<StagedItem> items)
    {
        var list = items as IReadOnlyCollection<StagedItem> ?? items.ToList();
        var user = new PlannedUser(IdempotencyKey.ForUser(userKey), new CreateUserRequest(userKey, new JsonObject
        {
            ["source"] = "mem0",
            ["migrated_by"] = "pixelated-migration",
        }));

        var episodes = list
            .Where(i => i.Kind == StagedItemKind.Memory)
            .OrderBy(i => i.CreatedAt?.UtcTicks ?? 0).ThenBy(i => i.ItemKey, StringComparer.Ordinal)
            .SelectMany(i => PlanEpisodes(userKey, i))
            .ToList();

        var threads = list
            .Where(i => i.Kind == StagedItemKind.ConversationMessage)
            .GroupBy(i => i.SessionId ?? "default", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => PlanThread(userKey, g.Key, g))
            .ToList();

        return new UserPlan(user, threads, episodes);
    }

    /// <summary>The Zep thread id of a mem0 session: readable when short and plain, hashed otherwise (thread ids are global in a Zep project).</summary>
    public static string ThreadIdFor(string userKey, string sessionId)
    {
        var readable = $"mem0-{userKey}-{sessionId}";
        return readable.Length <= 200 && readable.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            ? readable
            : "mem0-" + IdempotencyKey.Hash("thread-id", userKey, sessionId);
    }

    private static PlannedThread PlanThread(string userKey, string sessionId, IEnumerable<StagedItem> items)
    {
        var threadId = ThreadIdFor(userKey, sessionId);
        var messages = items
            .OrderBy(i => i.CreatedAt?.UtcTicks ?? 0).ThenBy(i => i.Sequence).ThenBy(i => i.ItemKey, StringComparer.Ordinal)
            .SelectMany(i => PlanMessages(threadId, i))
            .ToList();
        var batches = messages.Chunk(MaxMessagesPerCall)
            .Select(chunk => new PlannedMessageBatch(IdempotencyKey.ForMessageBatch(chunk.Select(m => m.Key)), chunk))
            .ToList();
        return new PlannedThread(IdempotencyKey.ForThread(threadId), threadId, batches);
    }

    private static IEnumerable<PlannedMessage> PlanMessages(string threadId, StagedItem item)
    {
        var role = RoleMapper.Map(item.Role, out var keepOriginal);
        var parts = TextSplitter.Split(item.Content ?? "", MaxMessageChars);
        for (var p = 0; p < parts.Count; p++)
        {
            var key = IdempotencyKey.ForMessage(threadId, item.ItemKey, p);
            var metadata = new JsonObject { [IdempotencyKey.MetadataKey] = key, ["mem0_id"] = SourceIdOf(item) };
            if (keepOriginal && item.Role is not null) metadata["mem0_role"] = item.Role;
            if (parts.Count > 1) metadata["pxm_part"] = $"{p + 1}/{parts.Count}";
            var message = new ZepMessage(parts[p], role, Name: string.IsNullOrWhiteSpace(item.Name) ? null : item.Name,
                CreatedAt: Rfc3339(item.CreatedAt), Metadata: metadata);
            yield return new PlannedMessage(key, item.ItemKey, p, message);
        }
    }

    private static IEnumerable<PlannedEpisode> PlanEpisodes(string userKey, StagedItem item)
    {
        var categories = item.CategoriesJson is null ? [] : JsonSerializer.Deserialize<List<string>>(item.CategoriesJson) ?? [];
        var kind = MemoryKind.Detect(categories, item.MetadataJson);
        var parts = TextSplitter.Split(item.Content ?? "", kind is null ? MaxEpisodeChars : MaxEpisodeChars - 1_000);
        for (var p = 0; p < parts.Count; p++)
        {
            var key = IdempotencyKey.ForEpisode(userKey, item.ItemKey, p);
            var metadata = new JsonObject { [IdempotencyKey.MetadataKey] = key, ["mem0_id"] = SourceIdOf(item) };
            if (categories.Count > 0) metadata["mem0_categories"] = new JsonArray(categories.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
            if (kind is not null) metadata["mem0_kind"] = kind;
            if (parts.Count > 1) metadata["pxm_part"] = $"{p + 1}/{parts.Count}";

            var (data, type) = kind is null
                ? (parts[p], "text")
                : (StructuredData(kind, parts[p], p, parts.Count, item.MetadataJson), "json");
            var request = new AddDataRequest(data, type, userKey, Rfc3339(item.CreatedAt), metadata, SourceDescription);
            yield return new PlannedEpisode(key, item.ItemKey, p, request);
        }
    }

    private static string StructuredData(string kind, string text, int part, int parts, string? metadataJson)
    {
        var data = new JsonObject { ["kind"] = kind, ["memory"] = text };
        if (parts > 1) { data["part"] = part + 1; data["parts"] = parts; }
        if (metadataJson is not null && part == 0) data["metadata"] = JsonNode.Parse(metadataJson);
        return data.ToJsonString();
    }

    private static string SourceIdOf(StagedItem item) => item.ItemKey[(item.ItemKey.IndexOf(':') + 1)..];

    public static string? Rfc3339(DateTimeOffset? instant) =>
        instant?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
