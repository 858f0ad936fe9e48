using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>
/// Maps a raw vector-store point <c>{id, payload:{data, hash, created_at|createdAt, updated_at, user_id…,
/// text_lemmatized, …flattened metadata}}</c> (Qdrant scroll O6; TS vector_store.db rows): the memory text is
/// <c>payload.data</c>; every payload key that is not a mem0 reserved key becomes metadata (as OSS get_all does).
/// </summary>
internal sealed class QdrantPointMapper(MemoryRecordMapper inner) : IRecordMapper
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "id", "data", "hash", "created_at", "updated_at", "createdAt", "updatedAt", "user_id", "agent_id", "run_id",
        "userId", "agentId", "runId", "actor_id", "actorId", "role", "attributed_to", "attributedTo", "expiration_date",
        "expirationDate", "text_lemmatized", "textLemmatized", "metadata",
    };

    private static readonly HashSet<string> Carried = new(StringComparer.Ordinal)
    {
        "data", "created_at", "updated_at", "createdAt", "updatedAt", "user_id", "agent_id", "run_id", "userId", "agentId",
        "runId", "expiration_date", "expirationDate",
    };

    public void Map(JsonElement record, SourcePosition position, ICollection<ReadOutcome> output)
    {
        if (!FieldReader.IsObject(record, position, output, "point")) return;

        if (!record.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object)
        {
            output.Add(new RecordFailed(position, "payload", "point has no payload object", SourceId: FieldReader.PeekId(record, "id")));
            return;
        }

        Map(record.TryGetProperty("id", out var id) ? id : default, payload, position, output);
    }

    /// <summary>Maps a payload whose point id is <paramref name="id"/> (undefined when missing).</summary>
    public void Map(JsonElement id, JsonElement payload, SourcePosition position, ICollection<ReadOutcome> output)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (id.ValueKind != JsonValueKind.Undefined)
            {
                w.WritePropertyName("id");
                id.WriteTo(w);
            }

            var extra = payload.EnumerateObject().Where(p => !Reserved.Contains(p.Name)).ToList();
            foreach (var p in payload.EnumerateObject().Where(p => Carried.Contains(p.Name)))
            {
                p.WriteTo(w);
            }

            w.WritePropertyName("metadata");
            if (extra.Count == 0 && !(payload.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object))
            {
                w.WriteNullValue();
            }
            else
            {
                w.WriteStartObject();
                if (payload.TryGetProperty("metadata", out var nested) && nested.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in nested.EnumerateObject())
                    {
                        p.WriteTo(w);
                    }
                }

                foreach (var p in extra)
                {
                    p.WriteTo(w);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(buffer.ToArray());
        inner.Map(doc.RootElement, position, output);
    }
}
