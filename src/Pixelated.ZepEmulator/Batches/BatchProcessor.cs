using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Pixelated.ZepEmulator.Batches;

/// <summary>
/// Applies queued batches in the background, one batch at a time in the order <c>process</c> was accepted.
/// Within a batch, items are grouped by destination graph (the user's graph for user episodes and thread
/// messages, the standalone graph for graph_id episodes), groups in order of first appearance, each group in
/// insertion order. Items go into the same store as the direct endpoints; no de-duplication.
/// Speed: <see cref="EmulatorBatchOptions.ItemsPerSecond"/> (0 = as fast as possible).
/// </summary>
internal sealed class BatchProcessor(
    EmulatorStore store,
    TimeProvider clock,
    IOptions<EmulatorOptions> options,
    ILogger<BatchProcessor> logger) : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(string batchId) => _queue.Writer.TryWrite(batchId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var batchId in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ProcessAsync(batchId, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogError("Batch processing failed with {ExceptionType}", ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // host stopping
        }
    }

    private async Task ProcessAsync(string batchId, CancellationToken ct)
    {
        var items = store.BeginProcessing(batchId, clock.GetUtcNow());
        if (items is null)
        {
            return;
        }

        var itemsPerSecond = options.Value.Batch.ItemsPerSecond;
        var stopwatch = Stopwatch.StartNew();
        var done = 0;
        foreach (var item in InProcessingOrder(items))
        {
            if (itemsPerSecond > 0)
            {
                var due = TimeSpan.FromSeconds(done / itemsPerSecond);
                var wait = due - stopwatch.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct);
                }
            }

            if (!store.SetBatchItemStatus(batchId, item.SequenceIndex, BatchItemStatuses.Processing, clock.GetUtcNow()))
            {
                return; // batch removed (reset)
            }

            var (code, message) = Apply(item);
            store.SetBatchItemStatus(
                batchId,
                item.SequenceIndex,
                code is null ? BatchItemStatuses.Succeeded : BatchItemStatuses.Failed,
                clock.GetUtcNow(),
                code,
                message);
            done++;
        }

        store.CompleteBatch(batchId, clock.GetUtcNow());
    }

    private IEnumerable<StoredBatchItem> InProcessingOrder(IReadOnlyList<StoredBatchItem> items)
    {
        var groups = new Dictionary<string, List<StoredBatchItem>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var item in items.OrderBy(i => i.SequenceIndex))
        {
            var destination = item.Kind == BatchItemKinds.ThreadMessage
                ? "user:" + (store.GetThread(item.ThreadId ?? string.Empty)?.UserId ?? "?thread:" + item.ThreadId)
                : item.UserId is { } userId ? "user:" + userId : "graph:" + item.GraphId;
            if (!groups.TryGetValue(destination, out var list))
            {
                list = [];
                groups.Add(destination, list);
                order.Add(destination);
            }

            list.Add(item);
        }

        return order.SelectMany(d => groups[d]);
    }

    /// <returns>(null, null) on success, else the error code and message of the failed item.</returns>
    private (string? Code, string? Message) Apply(StoredBatchItem item)
    {
        var now = clock.GetUtcNow();
        if (item.Kind == BatchItemKinds.ThreadMessage)
        {
            var message = new StoredMessage
            {
                Uuid = item.SourceUuid,
                ThreadId = item.ThreadId!,
                Role = item.Role!,
                Name = item.Name,
                Content = item.Content!,
                CreatedAt = item.CreatedAt ?? now,
                Metadata = item.Metadata,
            };
            return store.TryAddMessages(item.ThreadId!, [message])
                ? (null, null)
                : ("not_found", $"thread does not exist with thread_id: {item.ThreadId}");
        }

        var stored = store.TryAddEpisode(new StoredEpisode
        {
            Uuid = item.SourceUuid,
            UserId = item.UserId,
            GraphId = item.UserId is null ? item.GraphId : null,
            Content = item.Data!,
            Type = item.DataType!,
            CreatedAt = item.CreatedAt ?? now,
            Metadata = item.Metadata,
            SourceDescription = item.SourceDescription,
            DocumentId = item.DocumentId,
            TaskId = item.BatchId,
        });
        return stored is not null ? (null, null) : ("not_found", $"user does not exist with user_id: {item.UserId}");
    }
}
