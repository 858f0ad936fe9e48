namespace Pixelated.ZepEmulator;

internal enum BatchAddOutcome
{
    Added,
    NotFound,
    NotDraft,
    BatchFull,
}

internal enum BatchProcessOutcome
{
    Queued,
    NotFound,
    AlreadyProcessed,
    Empty,
    Invalid,
}

internal enum BatchDeleteOutcome
{
    Deleted,
    NotFound,
    NotDeletable,
}

/// <summary>
/// Batch API data. Batches have their own lock (<c>_batchGate</c>); while holding it the store may take
/// <c>_gate</c> (to check users and threads), never the other way round.
/// </summary>
public sealed partial class EmulatorStore
{
    private readonly Lock _batchGate = new();
    private readonly Dictionary<string, BatchEntry> _batches = new(StringComparer.OrdinalIgnoreCase);
    private long _nextBatchSequence;

    /// <summary>All batches in creation order.</summary>
    public IReadOnlyList<StoredBatch> GetBatches()
    {
        lock (_batchGate)
        {
            return _batches.Values.Select(e => e.Batch).OrderBy(b => b.Sequence).ToArray();
        }
    }

    public StoredBatch? GetBatch(string batchId)
    {
        lock (_batchGate)
        {
            return _batches.GetValueOrDefault(batchId)?.Batch;
        }
    }

    /// <summary>The batch's items in insertion order, or null when the batch does not exist.</summary>
    public IReadOnlyList<StoredBatchItem>? GetBatchItems(string batchId)
    {
        lock (_batchGate)
        {
            return _batches.TryGetValue(batchId, out var entry) ? entry.Items.ToArray() : null;
        }
    }

    /// <summary>The batch's progress counters, or null when the batch does not exist.</summary>
    public BatchProgress? GetBatchProgress(string batchId)
    {
        lock (_batchGate)
        {
            return _batches.TryGetValue(batchId, out var entry) ? Progress(entry.Items) : null;
        }
    }

    internal StoredBatch CreateBatch(StoredBatch batch)
    {
        lock (_batchGate)
        {
            var stored = batch with { Sequence = ++_nextBatchSequence, Status = BatchStatuses.Draft, ItemCount = 0 };
            _batches.Add(stored.BatchId, new BatchEntry(stored));
            return stored;
        }
    }

    /// <summary>Appends the items (sequence indexes assigned here) when the batch is a draft with room for them.</summary>
    internal (BatchAddOutcome Outcome, StoredBatch? Batch, IReadOnlyList<StoredBatchItem> Added) TryAddBatchItems(
        string batchId, IReadOnlyList<StoredBatchItem> items, int maxItemsPerBatch, DateTimeOffset now)
    {
        lock (_batchGate)
        {
            if (!_batches.TryGetValue(batchId, out var entry))
            {
                return (BatchAddOutcome.NotFound, null, []);
            }

            if (entry.Batch.Status != BatchStatuses.Draft)
            {
                return (BatchAddOutcome.NotDraft, entry.Batch, []);
            }

            if (entry.Items.Count + items.Count > maxItemsPerBatch)
            {
                return (BatchAddOutcome.BatchFull, entry.Batch, []);
            }

            var added = items.Select((item, i) => item with
            {
                BatchId = entry.Batch.BatchId,
                SequenceIndex = entry.Items.Count + i,
                Status = BatchItemStatuses.Pending,
                AddedAt = now,
                UpdatedAt = now,
            }).ToArray();
            entry.Items.AddRange(added);
            entry.Batch = entry.Batch with { ItemCount = entry.Items.Count, UpdatedAt = now };
            return (BatchAddOutcome.Added, entry.Batch, added);
        }
    }

    /// <summary>
    /// Accepts <c>process</c>: a draft (or a batch found invalid earlier) whose every referenced user and thread
    /// exists becomes queued with all items queued; otherwise it becomes invalid and the offending items are returned.
    /// </summary>
    internal (BatchProcessOutcome Outcome, StoredBatch? Batch, IReadOnlyList<BatchInvalidItem> Invalid) StartProcessing(string batchId, DateTimeOffset now)
    {
        lock (_batchGate)
        {
            if (!_batches.TryGetValue(batchId, out var entry))
            {
                return (BatchProcessOutcome.NotFound, null, []);
            }

            if (entry.Batch.Status is not (BatchStatuses.Draft or BatchStatuses.Invalid))
            {
                return (BatchProcessOutcome.AlreadyProcessed, entry.Batch, []);
            }

            if (entry.Items.Count == 0)
            {
                return (BatchProcessOutcome.Empty, entry.Batch, []);
            }

            var invalid = new List<BatchInvalidItem>();
            foreach (var item in entry.Items)
            {
                if (item.Kind == BatchItemKinds.ThreadMessage && GetThread(item.ThreadId ?? string.Empty) is null)
                {
                    invalid.Add(new BatchInvalidItem(item, $"thread does not exist with thread_id: {item.ThreadId}"));
                }
                else if (item.Kind == BatchItemKinds.GraphEpisode && item.UserId is { } userId && !UserExists(userId))
                {
                    invalid.Add(new BatchInvalidItem(item, $"user does not exist with user_id: {userId}"));
                }
            }

            if (invalid.Count > 0)
            {
                entry.Batch = entry.Batch with { Status = BatchStatuses.Invalid, UpdatedAt = now };
                return (BatchProcessOutcome.Invalid, entry.Batch, invalid);
            }

            for (var i = 0; i < entry.Items.Count; i++)
            {
                entry.Items[i] = entry.Items[i] with { Status = BatchItemStatuses.Queued, UpdatedAt = now };
            }

            entry.Batch = entry.Batch with { Status = BatchStatuses.Queued, ProcessedAt = now, UpdatedAt = now };
            return (BatchProcessOutcome.Queued, entry.Batch, []);
        }
    }

    internal BatchDeleteOutcome DeleteBatch(string batchId)
    {
        lock (_batchGate)
        {
            if (!_batches.TryGetValue(batchId, out var entry))
            {
                return BatchDeleteOutcome.NotFound;
            }

            if (entry.Batch.Status is not (BatchStatuses.Draft or BatchStatuses.Invalid))
            {
                return BatchDeleteOutcome.NotDeletable;
            }

            _batches.Remove(batchId);
            return BatchDeleteOutcome.Deleted;
        }
    }

    /// <summary>Moves a queued batch to processing and returns its items; null when it is gone or not queued.</summary>
    internal IReadOnlyList<StoredBatchItem>? BeginProcessing(string batchId, DateTimeOffset now)
    {
        lock (_batchGate)
        {
            if (!_batches.TryGetValue(batchId, out var entry) || entry.Batch.Status != BatchStatuses.Queued)
            {
                return null;
            }

            entry.Batch = entry.Batch with { Status = BatchStatuses.Processing, UpdatedAt = now };
            return entry.Items.ToArray();
        }
    }

    /// <summary>Sets one item's status; false when the batch is gone (reset).</summary>
    internal bool SetBatchItemStatus(string batchId, int sequenceIndex, string status, DateTimeOffset now, string? errorCode = null, string? errorMessage = null)
    {
        lock (_batchGate)
        {
            if (!_batches.TryGetValue(batchId, out var entry) || sequenceIndex >= entry.Items.Count)
            {
                return false;
            }

            entry.Items[sequenceIndex] = entry.Items[sequenceIndex] with
            {
                Status = status,
                UpdatedAt = now,
                ErrorCode = errorCode,
                ErrorMessage = errorMessage,
            };
            entry.Batch = entry.Batch with { UpdatedAt = now };
            return true;
        }
    }

    /// <summary>Ends processing: succeeded when every item succeeded, failed when none did, partial otherwise.</summary>
    internal StoredBatch? CompleteBatch(string batchId, DateTimeOffset now)
    {
        lock (_batchGate)
        {
            if (!_batches.TryGetValue(batchId, out var entry))
            {
                return null;
            }

            var succeeded = entry.Items.Count(i => i.Status == BatchItemStatuses.Succeeded);
            var status = succeeded == entry.Items.Count ? BatchStatuses.Succeeded
                : succeeded == 0 ? BatchStatuses.Failed
                : BatchStatuses.Partial;
            entry.Batch = entry.Batch with { Status = status, CompletedAt = now, UpdatedAt = now };
            return entry.Batch;
        }
    }

    private int CountBatches()
    {
        lock (_batchGate)
        {
            return _batches.Count;
        }
    }

    private void ResetBatches()
    {
        lock (_batchGate)
        {
            _batches.Clear();
        }
    }

    private static BatchProgress Progress(List<StoredBatchItem> items)
    {
        int queued = 0, processing = 0, succeeded = 0, failed = 0, skipped = 0, canceled = 0;
        foreach (var item in items)
        {
            switch (item.Status)
            {
                case BatchItemStatuses.Queued: queued++; break;
                case BatchItemStatuses.Processing: processing++; break;
                case BatchItemStatuses.Succeeded: succeeded++; break;
                case BatchItemStatuses.Failed: failed++; break;
                case BatchItemStatuses.Skipped: skipped++; break;
                case BatchItemStatuses.Canceled: canceled++; break;
            }
        }

        var done = succeeded + failed + skipped + canceled;
        var percent = items.Count == 0 ? 0 : Math.Round(100.0 * done / items.Count, 2);
        return new BatchProgress(items.Count, queued, processing, succeeded, failed, skipped, canceled, percent);
    }

    private sealed class BatchEntry(StoredBatch batch)
    {
        public StoredBatch Batch { get; set; } = batch;

        public List<StoredBatchItem> Items { get; } = [];
    }
}
