using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>One OSS history row, from JSON (Python O3 / TS O4) or from SQLite (history / memory_history).</summary>
internal sealed record OssHistoryRow(
    string? RowId, string? MemoryId, string? OldValue, string? Event, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt,
    bool IsDeleted, DateTimeOffset? FirstCreatedAt = null);

/// <summary>
/// OSS history rows (O3 Python 10-key / legacy 7-key, O4 TS <c>previous_value/new_value/action</c>, and the same rows
/// of history.db). OSS rows carry no user id (only <c>actor_id</c>, the speaker name), so they need
/// <see cref="Mem0ReaderOptions.FallbackUserId"/>.
/// <list type="bullet">
/// <item>A DELETE row (or <c>is_deleted</c> true) yields the deleted memory: SourceId = memory_id, Content = the old
/// value, CreatedAt = the row's created_at (which is the memory's creation time) or, when null (TS, mem0 &lt; 1.0.8),
/// the earliest created_at of the same memory; UpdatedAt = the deletion time; InactiveReason "deleted".</item>
/// <item>ADD/UPDATE rows yield nothing: the live memory is in the get_all listing / vector store dump under the same id.</item>
/// </list>
/// </summary>
internal sealed class OssHistoryMapper(string? fallbackUserId) : IRecordMapper
{
    public const string NoUserReason =
        "OSS history rows carry no user id; read them with a fallback user id (Mem0ReaderOptions.FallbackUserId)";

    private const int MaxRemembered = 100_000;
    private readonly Dictionary<string, DateTimeOffset> _firstCreated = new(StringComparer.Ordinal);

    public void Map(JsonElement record, SourcePosition position, ICollection<ReadOutcome> output)
    {
        if (!FieldReader.IsObject(record, position, output)) return;

        var f = new FieldReader(record);
        var rowId = f.Id("id");
        var memoryId = f.Id("memory_id");
        var eventName = f.RequiredString("event", "action");
        var old = f.OptionalString("old_memory", "previous_value");
        var createdAt = f.Timestamp("created_at", required: false);
        var updatedAt = f.Timestamp("updated_at", required: false);
        var deleted = record.TryGetProperty("is_deleted", out var d) && (d.ValueKind == JsonValueKind.True || (d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var n) && n != 0));
        if (f.Failed)
        {
            output.Add(new RecordFailed(position, f.FailedField, f.FailureReason!, fallbackUserId, FieldReader.PeekId(record, "id")));
            return;
        }

        Map(new OssHistoryRow(rowId, memoryId, old, eventName, createdAt, updatedAt, deleted), position, output);
    }

    public void Map(OssHistoryRow row, SourcePosition position, ICollection<ReadOutcome> output)
    {
        var first = row.FirstCreatedAt ?? row.CreatedAt;
        if (row.MemoryId is not null && first is { } c && _firstCreated.Count < MaxRemembered)
        {
            if (!_firstCreated.TryGetValue(row.MemoryId, out var known) || c < known)
            {
                _firstCreated[row.MemoryId] = c;
            }
        }

        var eventName = row.Event?.ToUpperInvariant();
        if (eventName is not ("ADD" or "UPDATE" or "DELETE" or "NONE"))
        {
            output.Add(new RecordFailed(position, "event", "unknown history event (expected ADD, UPDATE or DELETE)", fallbackUserId, row.RowId));
            return;
        }

        if (eventName != "DELETE" && !row.IsDeleted)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(row.OldValue) || row.OldValue == "None")
        {
            return; // nothing was deleted that we could migrate
        }

        if (row.MemoryId is null)
        {
            output.Add(new RecordFailed(position, "memory_id", "required field is missing or null", fallbackUserId, row.RowId));
            return;
        }

        var created = row.CreatedAt ?? row.FirstCreatedAt ?? (_firstCreated.TryGetValue(row.MemoryId, out var f) ? f : row.UpdatedAt);
        if (created is null)
        {
            output.Add(new RecordFailed(position, "created_at",
                "DELETE row has no timestamps (TS history, mem0 < 1.0.8) and no other row of this memory has one", fallbackUserId, row.RowId));
            return;
        }

        if (fallbackUserId is null)
        {
            output.Add(new RecordFailed(position, "user_id", NoUserReason, null, row.RowId));
            return;
        }

        output.Add(new ItemRead(new SourceItem
        {
            UserId = fallbackUserId,
            Kind = SourceItemKind.Memory,
            SourceId = row.MemoryId,
            Content = row.OldValue,
            CreatedAt = created.Value,
            UpdatedAt = row.UpdatedAt,
            InactiveReason = HistoryRecordMapper.DeletedReason,
            Position = position,
        }));
    }
}
