using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>
/// Maps a memory record — Platform P1/P2/P3 or OSS Python O1/O2; they share the snake_case record shape — to a
/// <see cref="SourceItem"/> of kind <see cref="SourceItemKind.Memory"/>. The run is <c>session_id</c> on the Platform
/// and <c>run_id</c> in OSS; both are accepted (session_id wins). Extra keys (hash, structured_attributes,
/// replaced_by, immutable, ...) are ignored.
/// </summary>
internal sealed class MemoryRecordMapper(TimeProvider clock) : IRecordMapper
{
    public void Map(JsonElement record, SourcePosition position, ICollection<ReadOutcome> output)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            output.Add(new RecordFailed(position, null, $"record is {FieldReader.Describe(record.ValueKind)}, expected an object"));
            return;
        }

        var f = new FieldReader(record);
        var id = f.Id("id");
        var content = f.RequiredString("memory");
        var userId = f.RequiredString("user_id");
        var createdAt = f.Timestamp("created_at", required: true);
        var updatedAt = f.Timestamp("updated_at", required: false);
        var sessionId = f.OptionalString("session_id") ?? f.OptionalString("run_id");
        var agentId = f.OptionalString("agent_id");
        var appId = f.OptionalString("app_id");
        var categories = f.Categories("categories");
        var metadata = f.Metadata("metadata");
        var expiresAt = f.Timestamp("expiration_date", required: false);

        if (f.Failed)
        {
            output.Add(new RecordFailed(
                position,
                f.FailedField,
                f.FailureReason!,
                UserId: FieldReader.PeekId(record, "user_id"),
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
            InactiveReason = expiresAt is { } e && e < clock.GetUtcNow() ? "expired" : null,
            Position = position,
        }));
    }
}
