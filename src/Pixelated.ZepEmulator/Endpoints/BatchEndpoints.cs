using System.Text.Json;
using Pixelated.ZepEmulator.Batches;
using Pixelated.ZepEmulator.Errors;
using Pixelated.ZepEmulator.Validation;
using Pixelated.ZepEmulator.Wire;

namespace Pixelated.ZepEmulator.Endpoints;

/// <summary>
/// The Batch API (CONTRACT §5): create a draft, add items (≤ 350 per call, ≤ 50,000 per batch), process
/// (asynchronous, <see cref="BatchProcessor"/>), get, list, list items, delete (draft/invalid only).
/// Mapped only when <see cref="EmulatorBatchOptions.Enabled"/>; otherwise every /batches route answers 404.
/// </summary>
internal static class BatchEndpoints
{
    public const int MaxItemsPerCall = 350;
    public const int MaxItemsPerBatch = 50_000;
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    private sealed record CreateBatchRequest(Dictionary<string, JsonElement>? Metadata, List<string>? IgnoreRoles, bool? StrictOntology);

    private sealed record AddItemsRequest(List<BatchItemInput?>? Items);

    public static void MapBatchEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/batches", CreateAsync);
        api.MapGet("/batches", List);
        api.MapGet("/batches/{batchId}", Get);
        api.MapDelete("/batches/{batchId}", Delete);
        api.MapPost("/batches/{batchId}/items", AddItemsAsync);
        api.MapGet("/batches/{batchId}/items", ListItems);
        api.MapPost("/batches/{batchId}/process", Process);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, EmulatorStore store, TimeProvider clock)
    {
        CreateBatchRequest body;
        if (request.ContentLength is 0)
        {
            body = new CreateBatchRequest(null, null, null);
        }
        else
        {
            var (parsed, error) = await JsonBody.ReadAsync<CreateBatchRequest>(request);
            if (error is not null)
            {
                return error;
            }

            body = parsed!;
        }

        foreach (var role in body.IgnoreRoles ?? [])
        {
            if (!Roles.All.Contains(role))
            {
                return ZepError.BadRequestVerbatim(Roles.InvalidRoleMessage(role));
            }
        }

        var now = clock.GetUtcNow();
        var batch = store.CreateBatch(new StoredBatch
        {
            BatchId = Guid.NewGuid().ToString(),
            Status = BatchStatuses.Draft,
            Metadata = body.Metadata,
            IgnoreRoles = body.IgnoreRoles,
            StrictOntology = body.StrictOntology ?? false,
            CreatedAt = now,
            UpdatedAt = now,
        });
        return Summary(batch, store);
    }

    private static async Task<IResult> AddItemsAsync(string batchId, HttpRequest request, EmulatorStore store, TimeProvider clock)
    {
        var (body, error) = await JsonBody.ReadAsync<AddItemsRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var batch = store.GetBatch(batchId);
        if (batch is null)
        {
            return ZepError.NotFound();
        }

        if (batch.Status != BatchStatuses.Draft)
        {
            return NotDraft(batch);
        }

        if (body!.Items is null || body.Items.Count == 0)
        {
            return ZepError.BadRequest("items are required");
        }

        if (body.Items.Count > MaxItemsPerCall)
        {
            return ZepError.BadRequest($"at most {MaxItemsPerCall} items can be added per request, got {body.Items.Count}");
        }

        var items = new List<StoredBatchItem>(body.Items.Count);
        for (var i = 0; i < body.Items.Count; i++)
        {
            var (item, problem) = BatchItemInput.ToItem(body.Items[i], clock.GetUtcNow());
            if (problem is not null)
            {
                return ZepError.BadRequest($"items[{i}]: {problem}");
            }

            items.Add(item!);
        }

        var (outcome, current, added) = store.TryAddBatchItems(batch.BatchId, items, MaxItemsPerBatch, clock.GetUtcNow());
        return outcome switch
        {
            BatchAddOutcome.NotFound => ZepError.NotFound(),
            BatchAddOutcome.NotDraft => NotDraft(current!),
            BatchAddOutcome.BatchFull => ZepError.BadRequest(
                $"a batch holds at most {MaxItemsPerBatch} items; it has {current!.ItemCount} and {items.Count} more were sent"),
            _ => Results.Json(added.Select(a => a.ToBody(store)).ToArray(), ZepJson.Options),
        };
    }

    private static IResult Process(string batchId, EmulatorStore store, TimeProvider clock, BatchProcessor processor)
    {
        var (outcome, batch, invalid) = store.StartProcessing(batchId, clock.GetUtcNow());
        switch (outcome)
        {
            case BatchProcessOutcome.NotFound:
                return ZepError.NotFound();
            case BatchProcessOutcome.AlreadyProcessed:
                return ZepError.Status(StatusCodes.Status409Conflict, $"batch {batch!.BatchId} has already been processed (status {batch.Status})");
            case BatchProcessOutcome.Empty:
                return ZepError.BadRequest("batch has no items");
            case BatchProcessOutcome.Invalid:
                var body = new BatchInvalidReferencesBody(
                    "invalid_batch",
                    $"bad request: batch references users or threads that do not exist ({invalid.Count} invalid items)",
                    invalid.Select(i => i.ToBody()).ToArray(),
                    Guid.NewGuid().ToString());
                return Results.Json(body, ZepJson.Options, contentType: null, statusCode: StatusCodes.Status400BadRequest);
            default:
                processor.Enqueue(batch!.BatchId);
                return Summary(batch, store);
        }
    }

    private static IResult Get(string batchId, EmulatorStore store) =>
        store.GetBatch(batchId) is { } batch ? Summary(batch, store) : ZepError.NotFound();

    private static IResult Delete(string batchId, EmulatorStore store)
    {
        var batch = store.GetBatch(batchId);
        return store.DeleteBatch(batchId) switch
        {
            BatchDeleteOutcome.NotFound => ZepError.NotFound(),
            BatchDeleteOutcome.NotDeletable => ZepError.Status(
                StatusCodes.Status409Conflict, $"batch {batch?.BatchId ?? batchId} is {batch?.Status}; only draft or invalid batches can be deleted"),
            _ => Results.Json(new MessageOnlyBody("deleted"), ZepJson.Options),
        };
    }

    /// <summary>GET /batches?limit=&amp;cursor=&amp;status=: creation order; cursor = the batch position to continue at.</summary>
    private static IResult List(HttpRequest request, EmulatorStore store)
    {
        if (ReadPaging(request, BatchStatuses.All) is { } problem)
        {
            return problem;
        }

        var (limit, cursor, status) = Paging(request);
        var all = store.GetBatches();
        var candidates = all.Select((b, position) => (Batch: b, Position: position))
            .Where(x => x.Position >= cursor && (status is null || x.Batch.Status == status))
            .Take(limit + 1)
            .ToArray();
        var page = candidates.Take(limit).ToArray();
        var next = candidates.Length > limit ? candidates[limit].Position : (int?)null;
        var bodies = page.Select(x => x.Batch.ToBody(store.GetBatchProgress(x.Batch.BatchId) ?? EmptyProgress(x.Batch))).ToArray();
        return Results.Json(new BatchListBody(bodies, next), ZepJson.Options);
    }

    /// <summary>GET /batches/{id}/items?limit=&amp;cursor=&amp;status=: insertion order; cursor = the sequence_index to continue at.</summary>
    private static IResult ListItems(string batchId, HttpRequest request, EmulatorStore store)
    {
        if (ReadPaging(request, BatchItemStatuses.All) is { } problem)
        {
            return problem;
        }

        var items = store.GetBatchItems(batchId);
        if (items is null)
        {
            return ZepError.NotFound();
        }

        var (limit, cursor, status) = Paging(request);
        var candidates = items.Where(i => i.SequenceIndex >= cursor && (status is null || i.Status == status)).Take(limit + 1).ToArray();
        var page = candidates.Take(limit).Select(i => i.ToBody(store)).ToArray();
        var next = candidates.Length > limit ? candidates[limit].SequenceIndex : (int?)null;
        return Results.Json(new BatchItemListBody(page, next), ZepJson.Options);
    }

    private static IResult? ReadPaging(HttpRequest request, IReadOnlySet<string> statuses)
    {
        if (!QueryInt.TryRead(request, "limit", out var limit) || !QueryInt.TryRead(request, "cursor", out var cursor))
        {
            return ZepError.BadRequest("limit and cursor must be integers");
        }

        if (limit < 0 || cursor < 0)
        {
            return ZepError.BadRequest("limit and cursor must not be negative");
        }

        var status = request.Query["status"].ToString();
        return status.Length > 0 && !statuses.Contains(status)
            ? ZepError.BadRequest($"invalid status: {status}")
            : null;
    }

    private static (int Limit, int Cursor, string? Status) Paging(HttpRequest request)
    {
        QueryInt.TryRead(request, "limit", out var limit);
        QueryInt.TryRead(request, "cursor", out var cursor);
        var status = request.Query["status"].ToString();
        return (limit is > 0 ? Math.Min(limit.Value, MaxPageSize) : DefaultPageSize, cursor ?? 0, status.Length > 0 ? status : null);
    }

    private static IResult Summary(StoredBatch batch, EmulatorStore store) =>
        Results.Json(batch.ToBody(store.GetBatchProgress(batch.BatchId) ?? EmptyProgress(batch)), ZepJson.Options);

    private static BatchProgress EmptyProgress(StoredBatch batch) => new(batch.ItemCount, 0, 0, 0, 0, 0, 0, 0);

    private static IResult NotDraft(StoredBatch batch) =>
        ZepError.Status(StatusCodes.Status409Conflict, $"batch {batch.BatchId} is {batch.Status}; items can only be added to a draft batch");
}

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
    private const int MaxContentChars = 4096;

    /// <returns>The item (batch id, sequence index and timestamps are set by the store), or the 400 detail.</returns>
    public static (StoredBatchItem? Item, string? Problem) ToItem(BatchItemInput? input, DateTimeOffset now)
    {
        if (input is null)
        {
            return (null, "item must be an object");
        }

        if (input.Type is not (BatchItemKinds.GraphEpisode or BatchItemKinds.ThreadMessage))
        {
            return (null, "type must be graph_episode or thread_message");
        }

        if (MetadataRules.Check(input.Metadata) is { } metadataProblem)
        {
            return (null, metadataProblem);
        }

        DateTimeOffset? createdAt = null;
        if (input.CreatedAt is not null)
        {
            if (!ZepJson.TryParseTime(input.CreatedAt, out var parsed))
            {
                return (null, "created_at must be an RFC3339 timestamp");
            }

            createdAt = parsed;
        }

        var problem = input.Type == BatchItemKinds.GraphEpisode ? CheckEpisode(input) : CheckMessage(input);
        if (problem is not null)
        {
            return (null, problem);
        }

        var episode = input.Type == BatchItemKinds.GraphEpisode;
        var item = new StoredBatchItem
        {
            ItemId = Guid.NewGuid().ToString(),
            BatchId = string.Empty,
            Kind = input.Type,
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

    private static string? CheckEpisode(BatchItemInput input)
    {
        if (input.Data is null)
        {
            return "data is required for graph_episode items";
        }

        if (TextLength.CodePoints(input.Data) > GraphEndpoints.MaxDataChars)
        {
            return $"data exceeds {GraphEndpoints.MaxDataChars} characters";
        }

        if (input.DataType is null || !GraphEndpoints.DataTypes.Contains(input.DataType))
        {
            return "data_type must be one of text, json, message";
        }

        if (input.DataType == "json" && !GraphEndpoints.IsJson(input.Data))
        {
            return "data is not valid JSON";
        }

        if (string.IsNullOrEmpty(input.UserId) == string.IsNullOrEmpty(input.GraphId))
        {
            return "exactly one of user_id or graph_id is required for graph_episode items";
        }

        if (input.SourceDescription is not null && TextLength.CodePoints(input.SourceDescription) > GraphEndpoints.MaxSourceDescriptionChars)
        {
            return $"source_description must be at most {GraphEndpoints.MaxSourceDescriptionChars} characters";
        }

        if (input.DocumentId is not null
            && (input.DocumentId.Length == 0 || TextLength.CodePoints(input.DocumentId) > GraphEndpoints.MaxDocumentIdChars))
        {
            return $"document_id must be 1 to {GraphEndpoints.MaxDocumentIdChars} characters";
        }

        return null;
    }

    private static string? CheckMessage(BatchItemInput input)
    {
        if (string.IsNullOrEmpty(input.ThreadId))
        {
            return "thread_id is required for thread_message items";
        }

        if (input.Content is null)
        {
            return "content is required for thread_message items";
        }

        if (TextLength.CodePoints(input.Content) > MaxContentChars)
        {
            return $"message content exceeds {MaxContentChars} characters";
        }

        if (input.Role is null || !Roles.All.Contains(input.Role))
        {
            return $"invalid role type: {input.Role}";
        }

        return null;
    }
}
