using System.Globalization;
using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>
/// One OSS history row, from JSON (Python O3 / TS O4) or from SQLite (history / memory_history). <paramref name="Order"/>
/// puts the rows of one memory in the order they were written when their times tie: the SQLite rowid, the TS integer
/// row id, or else the row's position in its file.
/// </summary>
internal sealed record OssHistoryRow(
    string? RowId, string? MemoryId, string? OldValue, string? NewValue, string? Event, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt,
    bool IsDeleted, long Order);

/// <summary>
/// OSS history rows (O3 Python 10-key / legacy 7-key, O4 TS <c>previous_value/new_value/action</c>; history.db rows go
/// through <see cref="OssMemoryHistory"/> the same way). OSS rows carry no user id (only <c>actor_id</c>, the speaker
/// name), so they need <see cref="Mem0ReaderOptions.FallbackUserId"/>. A memory's rows are collected while the file is
/// read and settled once it ends (<see cref="Complete"/>): a history holds several states of one memory, in either order
/// (Python oldest first, TS newest first), and only the last one is the memory. See <see cref="OssMemoryHistory"/> for
/// what each memory yields. At most <see cref="MaxMemories"/> memories of one file are held; rows of further memories fail.
/// </summary>
internal sealed class OssHistoryMapper(string? fallbackUserId) : IRecordMapper
{
    public const string NoUserReason =
        "OSS history rows carry no user id; read them with a fallback user id (Mem0ReaderOptions.FallbackUserId)";

    /// <summary>Distinct memories one JSON history file may hold (each is kept until the file ends).</summary>
    public const int MaxMemories = 100_000;

    private readonly Dictionary<string, OssMemoryHistory> _memories = new(StringComparer.Ordinal);

    public void Map(JsonElement record, SourcePosition position, ICollection<ReadOutcome> output)
    {
        if (!FieldReader.IsObject(record, position, output)) return;

        var f = new FieldReader(record);
        var rowId = f.Id("id");
        var memoryId = f.Id("memory_id");
        var eventName = f.RequiredString("event", "action");
        var old = f.OptionalString("old_memory", "previous_value", "prev_value");
        var @new = f.OptionalString("new_memory", "new_value");
        var createdAt = f.Timestamp(["created_at", "timestamp"], required: false);
        var updatedAt = f.Timestamp("updated_at", required: false);
        var deleted = record.TryGetProperty("is_deleted", out var d) && (d.ValueKind == JsonValueKind.True || (d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var n) && n != 0));
        if (f.Failed)
        {
            output.Add(new RecordFailed(position, f.FailedField, f.FailureReason!, fallbackUserId, FieldReader.PeekId(record, "id")));
            return;
        }

        var order = long.TryParse(rowId, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric) ? numeric : position.RecordIndex;
        Add(new OssHistoryRow(rowId, memoryId, old, @new, eventName, createdAt, updatedAt, deleted, order), position, output);
    }

    public void Add(OssHistoryRow row, SourcePosition position, ICollection<ReadOutcome> output)
    {
        if (Check(row, position, fallbackUserId) is { } failure)
        {
            output.Add(failure);
            return;
        }

        if (!_memories.TryGetValue(row.MemoryId!, out var memory))
        {
            if (_memories.Count >= MaxMemories)
            {
                output.Add(new RecordFailed(position, "memory_id",
                    $"the history file holds more than {MaxMemories:N0} memories, more than are kept to settle each one's last state; " +
                    "split it, or stage the get_all listing or history.db instead", fallbackUserId, row.RowId));
                return;
            }

            _memories[row.MemoryId!] = memory = new OssMemoryHistory(row.MemoryId!);
        }

        memory.Add(row, position);
    }

    /// <summary>Each memory of the file, in the order it first appeared, as its last state.</summary>
    public void Complete(ICollection<ReadOutcome> output)
    {
        foreach (var memory in _memories.Values)
        {
            if (memory.Settle(fallbackUserId) is { } outcome)
            {
                output.Add(outcome);
            }
        }

        _memories.Clear();
    }

    /// <summary>A row that cannot belong to a memory's history: an unknown event, or no memory id.</summary>
    public static RecordFailed? Check(OssHistoryRow row, SourcePosition position, string? fallbackUserId)
    {
        if (OssMemoryHistory.EventOf(row) is null)
        {
            return new RecordFailed(position, "event", "unknown history event (expected ADD, UPDATE or DELETE)", fallbackUserId, row.RowId);
        }

        return row.MemoryId is null
            ? new RecordFailed(position, "memory_id", "required field is missing or null", fallbackUserId, row.RowId)
            : null;
    }
}

/// <summary>
/// The history rows of one OSS memory, settled into what the memory is at the end of them:
/// <list type="bullet">
/// <item>Its last ADD/UPDATE (latest event time — <c>updated_at</c>, else <c>created_at</c> —, then UPDATE after ADD, then
/// <see cref="OssHistoryRow.Order"/>) gives the live memory: SourceId = memory_id, Content = that row's new value,
/// CreatedAt = the earliest created_at of the memory's rows (a row's created_at is the memory's creation time),
/// UpdatedAt = that row's updated_at (for an UPDATE, the time of the update). This is the item the get_all listing that
/// shows the new text yields (its user id being the fallback user id).</item>
/// <item>A DELETE row (or <c>is_deleted</c> true) makes the memory deleted whatever else the rows say (a deleted memory
/// never comes back: a new one gets a new id): Content = the deleted value (the row's old value, or else the last new
/// value), CreatedAt as above (the DELETE row's updated_at when no row has a created_at), UpdatedAt = the DELETE row's
/// updated_at (null when the source left it null: TS history and mem0 &lt; 1.0.8), InactiveReason
/// <see cref="InactiveReasons.Deleted"/>.</item>
/// <item>Rows without any text yield nothing; NONE rows only lend their times.</item>
/// </list>
/// The item's position is that of the row that settled it.
/// </summary>
internal sealed class OssMemoryHistory(string memoryId)
{
    private DateTimeOffset? _firstCreated;
    private State? _live;
    private State? _deleted;

    public string MemoryId => memoryId;

    private sealed record State(string? Text, DateTimeOffset? UpdatedAt, DateTimeOffset EventTime, int Rank, long Order, SourcePosition Position, string? RowId)
    {
        public bool After(State other) =>
            (EventTime, Rank, Order).CompareTo((other.EventTime, other.Rank, other.Order)) > 0;
    }

    /// <summary>ADD, UPDATE, DELETE or NONE (upper case); null for anything else.</summary>
    public static string? EventOf(OssHistoryRow row) => row.Event?.ToUpperInvariant() switch
    {
        "ADD" => "ADD",
        "UPDATE" => "UPDATE",
        "DELETE" => "DELETE",
        "NONE" => "NONE",
        _ => null,
    };

    public void Add(OssHistoryRow row, SourcePosition position)
    {
        if (row.CreatedAt is { } created && (_firstCreated is null || created < _firstCreated))
        {
            _firstCreated = created;
        }

        var eventName = EventOf(row);
        var time = row.UpdatedAt ?? row.CreatedAt ?? DateTimeOffset.MinValue;
        if (eventName == "DELETE" || row.IsDeleted)
        {
            var state = new State(Text(row.OldValue), row.UpdatedAt, time, 2, row.Order, position, row.RowId);
            if (_deleted is null || state.After(_deleted))
            {
                _deleted = state;
            }
        }
        else if (eventName is "ADD" or "UPDATE" && Text(row.NewValue) is { } text)
        {
            var state = new State(text, row.UpdatedAt, time, eventName == "UPDATE" ? 1 : 0, row.Order, position, row.RowId);
            if (_live is null || state.After(_live))
            {
                _live = state;
            }
        }
    }

    /// <summary>The memory as its rows leave it, a failure naming what is missing, or null when the rows hold no text.</summary>
    public ReadOutcome? Settle(string? userId)
    {
        var settled = _deleted ?? _live;
        var text = _deleted is not null ? _deleted.Text ?? _live?.Text : _live?.Text;
        if (settled is null || text is null)
        {
            return null;
        }

        var created = _firstCreated ?? settled.UpdatedAt;
        if (created is null)
        {
            return new RecordFailed(settled.Position, "created_at",
                "no history row of this memory has a timestamp (TS history and mem0 < 1.0.8 leave DELETE rows without one)", userId, settled.RowId);
        }

        if (userId is null)
        {
            return new RecordFailed(settled.Position, "user_id", OssHistoryMapper.NoUserReason, null, settled.RowId);
        }

        return new ItemRead(new SourceItem
        {
            UserId = userId,
            Kind = SourceItemKind.Memory,
            SourceId = memoryId,
            Content = text,
            CreatedAt = created.Value,
            UpdatedAt = settled.UpdatedAt,
            InactiveReason = _deleted is null ? null : InactiveReasons.Deleted,
            Position = settled.Position,
        });
    }

    /// <summary>A value that holds text: not null, blank, or Python's <c>"None"</c> written as a string.</summary>
    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) || value == "None" ? null : value;
}
