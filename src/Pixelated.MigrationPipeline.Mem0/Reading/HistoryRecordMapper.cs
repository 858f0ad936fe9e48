using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>
/// Maps one Platform history row (P5: <c>id, memory_id, input[{role, content}], old_memory, new_memory, event,
/// user_id, session_id, created_at ...</c>).
/// <list type="bullet">
/// <item>Each <c>input</c> message becomes a <see cref="SourceItemKind.ConversationMessage"/>:
/// SourceId <c>{row id}:input:{index}</c>, Sequence = index, CreatedAt = the row's created_at, SessionId = the row's
/// session_id or, when null, <c>mem0-history-{row id}</c>. A bad message fails alone; its siblings still come through.</item>
/// <item>A DELETE row also yields the deleted memory (SourceId = memory_id, Content = old_memory, CreatedAt = the row's
/// created_at, UpdatedAt = the row's updated_at (the event time), InactiveReason <see cref="InactiveReasons.Deleted"/>):
/// a listing never contains deleted memories, so this cannot duplicate one.
/// ADD/UPDATE memory states are NOT emitted: the current state is in the get_all listing under the same id,
/// and a history file holds several states of one memory id.</item>
/// </list>
/// </summary>
internal sealed class HistoryRecordMapper : IRecordMapper
{
    public const string DeletedReason = InactiveReasons.Deleted;

    public void Map(JsonElement record, SourcePosition position, ICollection<ReadOutcome> output)
    {
        if (!FieldReader.IsObject(record, position, output)) return;

        var f = new FieldReader(record);
        var rowId = f.Id("id");
        var memoryId = f.Id("memory_id");
        var userId = f.RequiredString("user_id");
        var eventName = f.RequiredString("event");
        var createdAt = f.Timestamp("created_at", required: true);
        var isDelete = string.Equals(eventName, "DELETE", StringComparison.OrdinalIgnoreCase);
        // The event time of a DELETE (the deleted memory's UpdatedAt): read with the other fields, so a malformed one fails the row.
        var updatedAt = isDelete ? f.Timestamp("updated_at", required: false) : null;
        var sessionId = f.OptionalString("session_id");
        var agentId = f.OptionalString("agent_id");
        var appId = f.OptionalString("app_id");
        var hasInput = record.TryGetProperty("input", out var input) && input.ValueKind != JsonValueKind.Null;
        if (hasInput && input.ValueKind != JsonValueKind.Array)
        {
            f.Fail("input", $"expected an array of messages, found {FieldReader.Describe(input.ValueKind)}");
        }

        if (f.Failed)
        {
            output.Add(new RecordFailed(position, f.FailedField, f.FailureReason!, FieldReader.PeekId(record, "user_id"), FieldReader.PeekId(record, "id")));
            return;
        }

        var conversationId = sessionId ?? $"mem0-history-{rowId}";
        if (hasInput)
        {
            var index = 0;
            foreach (var message in input.EnumerateArray())
            {
                output.Add(MapMessage(message, index, rowId!, userId!, conversationId, createdAt!.Value, agentId, appId, position));
                index++;
            }
        }

        if (isDelete)
        {
            var old = record.TryGetProperty("old_memory", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            if (!string.IsNullOrWhiteSpace(old) && old != "None")
            {
                output.Add(new ItemRead(new SourceItem
                {
                    UserId = userId!,
                    Kind = SourceItemKind.Memory,
                    SourceId = memoryId!,
                    Content = old,
                    CreatedAt = createdAt!.Value,
                    UpdatedAt = updatedAt,
                    SessionId = sessionId,
                    AgentId = agentId,
                    AppId = appId,
                    Categories = f.Categories("categories"),
                    Metadata = f.Metadata("metadata"),
                    InactiveReason = DeletedReason,
                    Position = position,
                }));
            }
        }
    }

    private static ReadOutcome MapMessage(
        JsonElement message, int index, string rowId, string userId, string conversationId,
        DateTimeOffset createdAt, string? agentId, string? appId, SourcePosition position)
    {
        var field = $"input[{index}]";
        if (message.ValueKind != JsonValueKind.Object)
        {
            return new RecordFailed(position, field, $"message is {FieldReader.Describe(message.ValueKind)}, expected an object", userId, rowId);
        }

        var m = new FieldReader(message);
        var role = m.RequiredString("role");
        var content = m.RequiredString("content");
        var name = m.OptionalString("name");
        if (m.Failed)
        {
            return new RecordFailed(position, $"{field}.{m.FailedField}", m.FailureReason!, userId, rowId);
        }

        return new ItemRead(new SourceItem
        {
            UserId = userId,
            Kind = SourceItemKind.ConversationMessage,
            SourceId = $"{rowId}:input:{index}",
            Content = content!,
            CreatedAt = createdAt,
            Role = role,
            Name = name,
            SessionId = conversationId,
            AgentId = agentId,
            AppId = appId,
            Sequence = index,
            Position = position,
        });
    }
}
