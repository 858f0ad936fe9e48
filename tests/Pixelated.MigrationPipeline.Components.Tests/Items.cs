using System.Text.Json;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Tests;

internal static class Items
{
    public static readonly DateTimeOffset T0 = new(2026, 5, 4, 16, 2, 11, TimeSpan.Zero);

    public static StagedItem Memory(string id, string content, DateTimeOffset? at = null, string[]? categories = null, string? metadataJson = null) => new()
    {
        UserKey = "u1", ItemKey = "memory:" + id, Kind = StagedItemKind.Memory, Status = ItemStatus.Staged,
        Content = content, ContentHash = IdempotencyKey.ContentHash(content), CreatedAt = at ?? T0,
        CategoriesJson = categories is null ? null : JsonSerializer.Serialize(categories), MetadataJson = metadataJson,
        SourceFile = "f.json",
    };

    public static StagedItem Message(string id, string content, string role, int sequence, string session = "s1", DateTimeOffset? at = null) => new()
    {
        UserKey = "u1", ItemKey = "message:" + id, Kind = StagedItemKind.ConversationMessage, Status = ItemStatus.Staged,
        Content = content, ContentHash = IdempotencyKey.ContentHash(content), CreatedAt = at ?? T0.AddSeconds(sequence),
        Role = role, Sequence = sequence, SessionId = session, SourceFile = "h.json",
    };
}
