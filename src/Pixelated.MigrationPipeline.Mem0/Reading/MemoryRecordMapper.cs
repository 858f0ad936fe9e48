using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>How a format's memory records are mapped (defaults: Platform / OSS snake_case or camelCase keys).</summary>
internal sealed record MemoryMapping
{
    /// <summary>Keys holding the memory text, in order of preference.</summary>
    public string[] ContentKeys { get; init; } = ["memory"];

    /// <summary>User id for records without one (CLI scope, reader fallback).</summary>
    public string? DefaultUserId { get; init; }

    /// <summary>Reason used when a record has no user id and there is no default.</summary>
    public string MissingUserReason { get; init; } = "required field is missing or null";

    /// <summary>OpenMemory backup: internal user UUID → external user id.</summary>
    public IReadOnlyDictionary<string, string>? UserIdsByInternalId { get; init; }

    /// <summary>OpenMemory backup: app UUID → app name (used as AppId).</summary>
    public IReadOnlyDictionary<string, string>? AppNames { get; init; }

    /// <summary>OpenMemory backup: category UUID → name (for <c>category_ids</c>).</summary>
    public IReadOnlyDictionary<string, string>? CategoryNames { get; init; }

    /// <summary>OSS TypeScript keeps <c>expiration_date</c> inside metadata.</summary>
    public bool ExpirationInMetadata { get; init; }

    /// <summary>Read the OpenMemory <c>state</c> (active/paused/archived/deleted).</summary>
    public bool HasState { get; init; }

    /// <summary>Prefer <c>app_name</c>/<c>app</c> (names) over <c>app_id</c> (UUID) — OpenMemory.</summary>
    public bool AppByName { get; init; }
}

/// <summary>
/// Maps a memory record — Platform P1/P2/P3/P4/P7/P8, OSS O1/O2/O4/O5/O7, OpenMemory M1/M3, single memories — to a
/// <see cref="SourceItem"/> of kind <see cref="SourceItemKind.Memory"/>. Keys are read in snake_case or camelCase.
/// The run is <c>session_id</c> on the Platform and <c>run_id</c> in OSS; both are accepted (session_id wins).
/// Extra keys (hash, structured_attributes, replaced_by, immutable, score, ...) are ignored.
/// </summary>
internal sealed class MemoryRecordMapper(TimeProvider clock, MemoryMapping? mapping = null) : IRecordMapper
{
    private readonly MemoryMapping _m = mapping ?? new MemoryMapping();

    public void Map(JsonElement record, SourcePosition position, ICollection<ReadOutcome> output)
    {
        if (!FieldReader.IsObject(record, position, output)) return;

        var f = new FieldReader(record);
        var id = f.Id("id");
        var content = f.RequiredString(_m.ContentKeys);
        var userId = ReadUser(f);
        var createdAt = f.Timestamp(["created_at", "createdAt"], required: true);
        var updatedAt = f.Timestamp(["updated_at", "updatedAt"], required: false);
        var sessionId = f.OptionalString("session_id", "sessionId", "run_id", "runId");
        var agentId = f.OptionalString("agent_id", "agentId");
        var appId = ReadApp(f);
        var categories = ReadCategories(f, record);
        var metadata = f.Metadata("metadata", "metadata_");
        var expiresAt = f.Timestamp(["expiration_date", "expirationDate"], required: false);
        if (expiresAt is null && _m.ExpirationInMetadata && metadata is { } md && md.TryGetProperty("expiration_date", out var inner)
            && inner.ValueKind == JsonValueKind.String)
        {
            expiresAt = new FieldReader(md).Timestamp("expiration_date", required: false);
        }

        var state = _m.HasState ? ReadState(f) : null;

        if (f.Failed)
        {
            output.Add(new RecordFailed(
                position,
                f.FailedField,
                f.FailureReason!,
                UserId: userId ?? FieldReader.PeekId(record, "user_id", "userId") ?? _m.DefaultUserId,
                SourceId: FieldReader.PeekId(record, "id")));
            return;
        }

        output.Add(new ItemRead(new SourceItem
        {
            UserId = userId!,
            Kind = SourceItemKind.Memory,
            SourceId = id!,
            Content = content!,
            CreatedAt = createdAt!.Value,
            UpdatedAt = updatedAt,
            SessionId = sessionId,
            AgentId = agentId,
            AppId = appId,
            Categories = categories,
            Metadata = metadata,
            ExpiresAt = expiresAt,
            InactiveReason = state ?? (expiresAt is { } e && e < clock.GetUtcNow() ? InactiveReasons.Expired : null),
            Position = position,
        }));
    }

    private string? ReadUser(FieldReader f)
    {
        if (_m.UserIdsByInternalId is { } map)
        {
            var internalId = f.OptionalString("user_id");
            if (internalId is null)
            {
                return _m.DefaultUserId ?? Missing(f);
            }

            if (map.TryGetValue(internalId, out var external))
            {
                return external;
            }

            if (_m.DefaultUserId is not null)
            {
                return _m.DefaultUserId;
            }

            f.Fail("user_id", "internal user id is not the exported user (memories.json 'user.id')");
            return null;
        }

        if (!f.Has("user_id", "userId") || f.OptionalString("user_id", "userId") is null && !f.Failed)
        {
            return _m.DefaultUserId ?? Missing(f);
        }

        return f.RequiredString("user_id", "userId");
    }

    private string? Missing(FieldReader f)
    {
        f.Fail("user_id", f.Has("agent_id", "agentId") && _m.DefaultUserId is null && _m.MissingUserReason == new MemoryMapping().MissingUserReason
            ? "required field is missing or null (agent-only memory: it has an agent_id but no user_id)"
            : _m.MissingUserReason);
        return null;
    }

    private string? ReadApp(FieldReader f)
    {
        if (!_m.AppByName)
        {
            return f.OptionalString("app_id", "appId");
        }

        var name = f.OptionalString("app_name", "app");
        if (name is not null)
        {
            return name;
        }

        var id = f.OptionalString("app_id");
        return id is not null && _m.AppNames is { } names && names.TryGetValue(id, out var n) ? n : id;
    }

    private IReadOnlyList<string> ReadCategories(FieldReader f, JsonElement record)
    {
        if (_m.CategoryNames is { } names && record.TryGetProperty("category_ids", out _) && !record.TryGetProperty("categories", out _))
        {
            var ids = f.Categories("category_ids");
            return ids.Select(i => names.TryGetValue(i, out var n) ? n : i).ToList();
        }

        return f.Categories("categories");
    }

    private static string? ReadState(FieldReader f)
    {
        var state = f.OptionalString("state");
        switch (state)
        {
            case null or "active":
                return null;
            case "paused":
                return InactiveReasons.Paused;
            case "archived":
                return InactiveReasons.Archived;
            case "deleted":
                return InactiveReasons.Deleted;
            default:
                f.Fail("state", "unknown state (expected active, paused, archived or deleted)");
                return null;
        }
    }
}
