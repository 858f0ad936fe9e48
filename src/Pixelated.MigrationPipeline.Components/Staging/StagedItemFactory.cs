using System.Text.Json;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Components.Staging;

/// <summary>Turns what a reader yields into ledger rows: an item to migrate, one to skip (with reason), or a failed record.</summary>
public static class StagedItemFactory
{
    /// <summary>Zep's limit on <c>user_id</c> (CONTRACT §8).</summary>
    public const int MaxZepUserIdLength = 500;

    public static StagedItem FromItem(Guid runId, SourceItem item, bool includeInactive)
    {
        if (item.UserId.Length > MaxZepUserIdLength)
        {
            // Zep would refuse the user: the item fails here, unattributed (the id itself may be anything).
            var failed = FromFailure(runId, new RecordFailed(item.Position, "user_id",
                $"user id is {item.UserId.Length} characters; Zep accepts at most {MaxZepUserIdLength}", SourceId: item.SourceId));
            failed.ItemKey = ItemKeyOf(item);
            return failed;
        }

        var content = item.Content;
        var inactive = item.InactiveReason is not null && !includeInactive;
        return new StagedItem
        {
            RunId = runId,
            UserKey = item.UserId,
            ItemKey = ItemKeyOf(item),
            Kind = item.Kind == SourceItemKind.Memory ? StagedItemKind.Memory : StagedItemKind.ConversationMessage,
            Status = inactive ? ItemStatus.Skipped : ItemStatus.Staged,
            Reason = inactive ? $"{item.InactiveReason} in source ({item.Position})" : null,
            SourceFile = item.Position.File,
            RecordIndex = item.Position.RecordIndex,
            SessionId = item.SessionId,
            Role = item.Role,
            Name = item.Name,
            Content = content,
            ContentHash = IdempotencyKey.ContentHash(content),
            CreatedAt = item.CreatedAt.ToUniversalTime(),
            UpdatedAt = item.UpdatedAt?.ToUniversalTime(),
            Sequence = item.Sequence,
            CategoriesJson = item.Categories.Count > 0 ? JsonSerializer.Serialize(item.Categories) : null,
            MetadataJson = item.Metadata is { ValueKind: JsonValueKind.Object } m ? m.GetRawText() : null,
        };
    }

    public static StagedItem FromFailure(Guid runId, RecordFailed failure) => new()
    {
        RunId = runId,
        UserKey = failure.UserId is { Length: <= MaxZepUserIdLength } user ? user : "",
        ItemKey = "unreadable:" + Bounded($"{failure.Position.File}#{failure.Position.RecordIndex}"),
        Kind = StagedItemKind.Unreadable,
        Status = ItemStatus.Failed,
        Reason = failure.ToString(),
        SourceFile = failure.Position.File,
        RecordIndex = failure.Position.RecordIndex,
        ContentHash = "",
    };

    /// <summary>
    /// What makes a row one item of a run: its user and its key. The same memory seen twice for a user (two pages, a
    /// listing and a history) is one item; the ledger's unique index on (run, user, item key) holds the same rule.
    /// </summary>
    public static (string UserKey, string ItemKey) IdentityOf(StagedItem row) => (row.UserKey, row.ItemKey);

    /// <summary>The item's key in the ledger: kind and source id (hashed when the id is too long for the key index).</summary>
    public static string ItemKeyOf(SourceItem item) =>
        (item.Kind == SourceItemKind.Memory ? "memory:" : "message:") + Bounded(item.SourceId);

    /// <summary>Longest id (UTF-8 bytes) kept as it is in a key: with a user id of up to 500 characters the key index's
    /// entry stays within PostgreSQL's B-tree limit (2,704 bytes) whatever the script.</summary>
    public const int MaxKeyIdBytes = 512;

    private static string Bounded(string id) =>
        System.Text.Encoding.UTF8.GetByteCount(id) <= MaxKeyIdBytes ? id : "sha256:" + IdempotencyKey.ContentHash(id);
}
