using System.Net;
using System.Net.Http.Json;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Zep;

/// <summary>The Batch API (CONTRACT §5): create, add items (≤ 350 per call), process, get, list items.</summary>
public sealed partial class ZepClient
{
    public const int MaxBatchItemsPerCall = 350;
    public const int MaxItemsPerBatch = 50_000;

    /// <summary>Creates a draft batch. A 404 (the account does not serve the Batch API) surfaces as a <see cref="ZepApiException"/>.</summary>
    public async Task<BatchSummary> CreateBatchAsync(CreateBatchRequest request, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("batches", request, ZepJson.Options, ct);
        await EnsureAsync(response, "create batch", ct);
        return (await response.Content.ReadFromJsonAsync<BatchSummary>(ZepJson.Options, ct))!;
    }

    public async Task<IReadOnlyList<BatchItemDetail>> AddBatchItemsAsync(string batchId, IReadOnlyList<BatchAddItem> items, CancellationToken ct)
    {
        if (items.Count is 0 or > MaxBatchItemsPerCall)
            throw new ArgumentOutOfRangeException(nameof(items), items.Count, $"1 to {MaxBatchItemsPerCall} items per call");
        using var response = await http.PostAsJsonAsync($"batches/{Esc(batchId)}/items", new AddBatchItemsRequest(items), ZepJson.Options, ct);
        await EnsureAsync(response, "add batch items", ct);
        return await response.Content.ReadFromJsonAsync<List<BatchItemDetail>>(ZepJson.Options, ct) ?? [];
    }

    /// <summary>Starts processing. A second call answers 409, which is <see cref="BatchProcessOutcome.AlreadyProcessed"/>, not an error.</summary>
    public async Task<BatchProcessOutcome> ProcessBatchAsync(string batchId, CancellationToken ct)
    {
        using var response = await http.PostAsync($"batches/{Esc(batchId)}/process", content: null, ct);
        if (response.IsSuccessStatusCode) return BatchProcessOutcome.Started;
        if (response.StatusCode == HttpStatusCode.Conflict) return BatchProcessOutcome.AlreadyProcessed;
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (body.Contains("invalid_batch", StringComparison.Ordinal) || body.Contains("invalid_items", StringComparison.Ordinal))
                return BatchProcessOutcome.Invalid;
            throw new ZepApiException(response.StatusCode, "process batch", TryMessage(body), null);
        }
        throw await ErrorAsync(response, "process batch", ct);
    }

    /// <summary>The batch's summary; null when Zep does not know the batch.</summary>
    public async Task<BatchSummary?> GetBatchAsync(string batchId, CancellationToken ct)
    {
        using var response = await http.GetAsync($"batches/{Esc(batchId)}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, "get batch", ct);
        return await response.Content.ReadFromJsonAsync<BatchSummary>(ZepJson.Options, ct);
    }

    /// <summary>One page of a batch's items in insertion order; <c>cursor</c> is the sequence index to continue at. Null when the batch is unknown.</summary>
    public async Task<BatchItemPage?> ListBatchItemsAsync(string batchId, int limit, int cursor, CancellationToken ct)
    {
        using var response = await http.GetAsync($"batches/{Esc(batchId)}/items?limit={limit}&cursor={cursor}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, "list batch items", ct);
        return await response.Content.ReadFromJsonAsync<BatchItemPage>(ZepJson.Options, ct);
    }

    /// <summary>Every item of a batch (paged), or null when the batch is unknown.</summary>
    public async Task<IReadOnlyList<BatchItemDetail>?> GetAllBatchItemsAsync(string batchId, CancellationToken ct)
    {
        const int pageSize = 1000;
        var all = new List<BatchItemDetail>();
        var cursor = 0;
        while (true)
        {
            var page = await ListBatchItemsAsync(batchId, pageSize, cursor, ct);
            if (page is null) return all.Count == 0 ? null : all;
            all.AddRange(page.Items);
            if (page.NextCursor is not { } next || page.Items.Count == 0 || next <= cursor) return all;
            cursor = next;
        }
    }

    /// <summary>
    /// The draft batch whose metadata carries <paramref name="key"/> under <paramref name="metadataKey"/> (pages through
    /// <c>GET /batches?status=draft</c>); null when there is none. Finds a batch whose create answer was lost.
    /// </summary>
    public async Task<BatchSummary?> FindDraftBatchAsync(string metadataKey, string key, CancellationToken ct)
    {
        var cursor = 0;
        for (var page = 0; page < 1000; page++)
        {
            using var response = await http.GetAsync($"batches?status=draft&limit=100&cursor={cursor}", ct);
            await EnsureAsync(response, "list batches", ct);
            var body = await response.Content.ReadFromJsonAsync<BatchListPage>(ZepJson.Options, ct);
            if (body is null) return null;
            var found = body.Batches.FirstOrDefault(b => b.Metadata is { } m && m.TryGetPropertyValue(metadataKey, out var v)
                && v is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var s) && s == key);
            if (found is not null) return found;
            if (body.NextCursor is not { } next || body.Batches.Count == 0 || next <= cursor) return null;
            cursor = next;
        }
        return null;
    }

    /// <summary>Deletes a draft or invalid batch (best effort: false when Zep refuses or does not know it).</summary>
    public async Task<bool> DeleteBatchAsync(string batchId, CancellationToken ct)
    {
        using var response = await http.DeleteAsync($"batches/{Esc(batchId)}", ct);
        return response.IsSuccessStatusCode;
    }

    private static string? TryMessage(string body)
    {
        try { return System.Text.Json.JsonSerializer.Deserialize<ZepErrorBody>(body, ZepJson.Options)?.Message; }
        catch (System.Text.Json.JsonException) { return null; }
    }
}
