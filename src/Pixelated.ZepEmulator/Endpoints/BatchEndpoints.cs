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
