using System.Text.Json;
using Pixelated.ZepEmulator.Validation;

namespace Pixelated.ZepEmulator.Endpoints;

/// <summary>One element of <c>items</c> in POST /batches/{batchId}/items (ApidataBatchAddItem).</summary>
internal sealed record BatchItemInput(
    string? Type,
    string? Data,
    string? DataType,
    string? UserId,
    string? GraphId,
    string? SourceDescription,
    string? DocumentId,
    string? ThreadId,
    string? Content,
    string? Role,
    string? Name,
    string? CreatedAt,
    Dictionary<string, JsonElement>? Metadata)
{
    /// <returns>The item (batch id, sequence index and timestamps are set by the store), or the 400 detail
    /// (<see cref="BatchItemRules"/>).</returns>
    public static (StoredBatchItem? Item, string? Problem) ToItem(BatchItemInput? input, DateTimeOffset now)
    {
        if (BatchItemRules.Check(input, out var createdAt) is { } problem)
        {
            return (null, problem);
        }

        var episode = input!.Type == BatchItemKinds.GraphEpisode;
        var item = new StoredBatchItem
        {
            ItemId = Guid.NewGuid().ToString(),
            BatchId = string.Empty,
            Kind = episode ? BatchItemKinds.GraphEpisode : BatchItemKinds.ThreadMessage,
            Status = BatchItemStatuses.Pending,
            SequenceIndex = 0,
            SourceUuid = Guid.NewGuid().ToString(),
            Data = episode ? input.Data : null,
            DataType = episode ? input.DataType : null,
            UserId = episode && !string.IsNullOrEmpty(input.UserId) ? input.UserId : null,
            GraphId = episode && string.IsNullOrEmpty(input.UserId) ? input.GraphId : null,
            SourceDescription = episode ? input.SourceDescription : null,
            DocumentId = episode ? input.DocumentId : null,
            ThreadId = episode ? null : input.ThreadId,
            Content = episode ? null : input.Content,
            Role = episode ? null : input.Role,
            Name = episode ? null : input.Name,
            Metadata = input.Metadata,
            CreatedAt = createdAt,
            AddedAt = now,
            UpdatedAt = now,
        };
        return (item, null);
    }
}
