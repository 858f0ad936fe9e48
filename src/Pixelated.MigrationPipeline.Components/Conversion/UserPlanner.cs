using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pixelated.MigrationPipeline.Components.Users;
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

    /// <summary>The plan of a user written under its mem0 id, with no role or profile.</summary>
    public static UserPlan Plan(string userKey, IEnumerable<StagedItem> items) => Plan(UserTarget.Unmapped(userKey), items);

    /// <summary>
    /// The plan of <paramref name="target"/>: everything is written under (and keyed by) its Zep user id, so an unmapped
    /// user's keys are those it always had and a mapped user's derive from the id it is mapped to.
    /// </summary>
    public static UserPlan Plan(UserTarget target, IEnumerable<StagedItem> items, SyncContext? sync = null)
    {
        sync ??= SyncContext.None;
        var list = items as IReadOnlyCollection<StagedItem> ?? items.ToList();
        var userKey = target.ZepUserId;
        var user = new PlannedUser(IdempotencyKey.ForUser(userKey), CreateUser(target));

        var episodes = list
            .Where(i => i.Kind == StagedItemKind.Memory)
            .OrderBy(i => i.CreatedAt?.UtcTicks ?? 0).ThenBy(i => i.ItemKey, StringComparer.Ordinal)
            .SelectMany(i => PlanEpisodes(userKey, i, sync.VersionOf(i.ItemKey)))
            .ToList();

        var threads = list
            .Where(i => i.Kind == StagedItemKind.ConversationMessage)
            .GroupBy(i => i.SessionId ?? "default", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => PlanThread(userKey, g.Key, g, sync))
            .ToList();

        return new UserPlan(user, threads, episodes);
    }

    /// <summary>
    /// The Zep user: metadata <c>{source, migrated_by, mem0_user_id}</c> plus <c>role</c> (a platform role) or <c>mem0_role</c>
    /// (any other role), and the e-mail and names of the users file.
    /// </summary>
    public static CreateUserRequest CreateUser(UserTarget target)
    {
        var metadata = new JsonObject
        {
            ["source"] = "mem0",
            ["migrated_by"] = "pixelated-migration",
            ["mem0_user_id"] = target.UserKey,
        };
        if (target.PlatformRole is { } role) metadata["role"] = role;
        if (target.OtherRole is { } other) metadata["mem0_role"] = other;
        return new CreateUserRequest(target.ZepUserId, metadata, target.FirstName, target.LastName, target.Email);
    }

    /// <summary>The Zep thread id of a mem0 session: readable when short and plain, hashed otherwise (thread ids are global in a Zep project).</summary>
    public static string ThreadIdFor(string userKey, string sessionId)
    {
        var readable = $"mem0-{userKey}-{sessionId}";
        return readable.Length <= 200 && readable.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            ? readable
            : "mem0-" + IdempotencyKey.Hash("thread-id", userKey, sessionId);
    }

    /// <summary>
    /// A thread's messages in order, ≤ 30 per add-messages call. In a sync the messages earlier runs wrote keep the calls
    /// they were written in (each run's messages chunked on their own), so those calls' keys are the confirmed ones and
    /// only the new messages make new calls, appended after them.
    /// </summary>
    private static PlannedThread PlanThread(string userKey, string sessionId, IEnumerable<StagedItem> items, SyncContext sync)
    {
        var threadId = ThreadIdFor(userKey, sessionId);
        var batches = items
            .GroupBy(i => sync.GenerationOf(i.ItemKey))
            .OrderBy(g => g.Key)
            .SelectMany(generation => generation
                .OrderBy(i => i.CreatedAt?.UtcTicks ?? 0).ThenBy(i => i.Sequence).ThenBy(i => i.ItemKey, StringComparer.Ordinal)
                .SelectMany(i => PlanMessages(threadId, i))
                .Chunk(MaxMessagesPerCall))
            .Select(chunk => new PlannedMessageBatch(IdempotencyKey.ForMessageBatch(chunk.Select(m => m.Key)), chunk))
            .ToList();
        return new PlannedThread(IdempotencyKey.ForThread(threadId), threadId, batches);
    }

    private static IEnumerable<PlannedMessage> PlanMessages(string threadId, StagedItem item)
    {
        var role = RoleMapper.Map(item.Role, out var keepOriginal);
        var parts = SentParts.Plain(item.Content ?? "", MaxMessageChars);
        for (var p = 0; p < parts.Count; p++)
        {
            var key = IdempotencyKey.ForMessage(threadId, item.ItemKey, p);
            var metadata = new JsonObject { [IdempotencyKey.MetadataKey] = key, ["mem0_id"] = SourceIdOf(item) };
            if (keepOriginal && item.Role is not null) metadata["mem0_role"] = item.Role;
            if (parts.Count > 1) metadata["pxm_part"] = $"{p + 1}/{parts.Count}";
            var message = new ZepMessage(parts[p].Sent, role, Name: string.IsNullOrWhiteSpace(item.Name) ? null : item.Name,
                CreatedAt: Rfc3339(item.CreatedAt), Metadata: metadata);
            yield return new PlannedMessage(key, item.ItemKey, p, message);
        }
    }

    private static IEnumerable<PlannedEpisode> PlanEpisodes(string userKey, StagedItem item, ItemVersion version)
    {
        var categories = item.CategoriesJson is null ? [] : JsonSerializer.Deserialize<List<string>>(item.CategoriesJson) ?? [];
        var kind = MemoryKind.Detect(categories, item.MetadataJson);
        var text = item.Content ?? "";
        var parts = kind is null
            ? SentParts.Plain(text, MaxEpisodeChars)
            : SentParts.Fit(text, MaxEpisodeChars - 1_000, MaxEpisodeChars,
                (part, p, count) => StructuredData(kind, part, p, count, item.MetadataJson),
                first => StructuredJson(kind, "", LargestPart, LargestPart, first ? item.MetadataJson : null).Length,
                ReadableJson.EscapedWidth);
        for (var p = 0; p < parts.Count; p++)
        {
            var key = IdempotencyKey.ForEpisodeVersion(userKey, item.ItemKey, version.Number, item.ContentHash, p);
            var metadata = new JsonObject { [IdempotencyKey.MetadataKey] = key, ["mem0_id"] = SourceIdOf(item) };
            if (version.Number > 0)
            {
                metadata[IdempotencyKey.VersionMetadataKey] = version.Number;
                metadata[IdempotencyKey.HashMetadataKey] = IdempotencyKey.VersionHash(item.ContentHash);
                if (version.Supersedes is not null) metadata[IdempotencyKey.SupersedesMetadataKey] = version.Supersedes;
            }
            if (categories.Count > 0) metadata["mem0_categories"] = new JsonArray(categories.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
            if (kind is not null) metadata["mem0_kind"] = kind;
            if (parts.Count > 1) metadata["pxm_part"] = $"{p + 1}/{parts.Count}";

            var request = new AddDataRequest(parts[p].Sent, kind is null ? "text" : "json", userKey, Rfc3339(EpisodeDate(item, version.Number)), metadata, SourceDescription);
            yield return new PlannedEpisode(key, item.ItemKey, p, request);
        }
    }

    /// <summary>
    /// The <c>data</c> of a structured memory's episode: <c>{"kind", "memory", "part", "parts", "metadata"}</c> (numbering
    /// when split, metadata on the first part), written readable (<see cref="ReadableJson"/>): plain ASCII text gives the
    /// string it always did, and nothing else is escaped beyond what JSON requires.
    /// </summary>
    private static string StructuredData(string kind, string text, int part, int parts, string? metadataJson) =>
        StructuredJson(kind, text, parts > 1 ? part + 1 : null, parts > 1 ? parts : null, part == 0 ? metadataJson : null);

    private const int LargestPart = int.MaxValue; // the widest numbering, for the room a part's envelope leaves

    private static string StructuredJson(string kind, string text, int? part, int? parts, string? metadataJson)
    {
        var json = new StringBuilder(text.Length + 64 + (metadataJson?.Length ?? 0));
        json.Append("{\"kind\":");
        ReadableJson.AppendString(json, kind);
        json.Append(",\"memory\":");
        ReadableJson.AppendString(json, text);
        if (part is not null) json.Append(CultureInfo.InvariantCulture, $",\"part\":{part},\"parts\":{parts}");
        if (metadataJson is not null)
        {
            using var metadata = JsonDocument.Parse(metadataJson);
            json.Append(",\"metadata\":");
            ReadableJson.AppendValue(json, metadata.RootElement);
        }
        return json.Append('}').ToString();
    }

    /// <summary>
    /// When an episode of the item happened: its creation for the first version, the change (mem0's <c>updated_at</c>, else
    /// the creation) for a later one, so Zep's temporal graph orders the texts as the source changed them.
    /// </summary>
    public static DateTimeOffset? EpisodeDate(StagedItem item, int version) => version > 0 ? item.UpdatedAt ?? item.CreatedAt : item.CreatedAt;

    private static string SourceIdOf(StagedItem item) => item.ItemKey[(item.ItemKey.IndexOf(':') + 1)..];

    public static string? Rfc3339(DateTimeOffset? instant) =>
        instant?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
