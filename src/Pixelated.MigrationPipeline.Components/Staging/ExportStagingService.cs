using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Mem0;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Components.Staging;

/// <summary>
/// Reads every export file of a run as a stream and stages one ledger row per source item (migrate, skip with reason,
/// or failed with reason), in batches, in constant memory. Reading and converting (CPU) overlap with writing (the
/// ledger): full batches go through a two-batch queue to the writers (as many as the sink takes at once).
/// </summary>
public sealed class ExportStagingService(LedgerDbContext db, IStagedItemSink sink, IOptions<PipelineOptions> options, ILogger<ExportStagingService> logger)
{
    private const int BatchSize = 5000;

    public sealed record StagingResult(IReadOnlyList<string> Users, int Items, int FailedRecords);

    private sealed record Tally(IReadOnlyList<string> Users, int Failed);

    public async Task<StagingResult> StageAsync(Guid runId, IReadOnlyList<string> paths, string? assignUserId, CancellationToken ct)
    {
        // A retried ingest restarts from a clean slate for this run: staging is all-or-nothing per run.
        await db.StagedItems.Where(i => i.RunId == runId).ExecuteDeleteAsync(ct);
        await db.RunUsers.Where(u => u.RunId == runId).ExecuteDeleteAsync(ct);

        var queue = Channel.CreateBounded<List<StagedItem>>(
            new BoundedChannelOptions(2) { SingleReader = sink.ConcurrentWrites == 1, SingleWriter = true });
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writing = WriteAllAsync(queue.Reader, stopReading, ct);
        Tally tally;
        try
        {
            tally = await ReadAllAsync(runId, paths, assignUserId, queue.Writer, stopReading.Token);
        }
        catch (OperationCanceledException) when (stopReading.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            await writing; // a writer failed and stopped the reading: surface the writer's error
            throw;
        }
        var items = await writing;

        var now = DateTimeOffset.UtcNow;
        db.RunUsers.AddRange(tally.Users.Select(u => new RunUser { RunId = runId, UserKey = u, Status = UserStatus.Staged, UpdatedAt = now }));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return new StagingResult(tally.Users, items, tally.Failed);
    }

    private async Task<Tally> ReadAllAsync(Guid runId, IReadOnlyList<string> paths, string? assignUserId,
        ChannelWriter<List<StagedItem>> output, CancellationToken ct)
    {
        var reader = new Mem0ExportReader(new Mem0ReaderOptions { FallbackUserId = assignUserId });
        var users = new HashSet<string>(StringComparer.Ordinal);
        var batch = new Batch();
        var failed = 0;
        try
        {
            foreach (var file in ExportFiles.Expand(paths))
            {
                await foreach (var outcome in reader.ReadAsync(file, ct))
                {
                    var row = outcome switch
                    {
                        ItemRead { Item: var item } => StagedItemFactory.FromItem(runId, item, options.Value.IncludeInactive),
                        RecordFailed failure => StagedItemFactory.FromFailure(runId, failure),
                        _ => null,
                    };
                    // The same item of a user seen twice (two pages, a listing and a history) is one item: within a batch it is
                    // dropped here, across batches by the sink.
                    if (row is null || !batch.TryAdd(row)) continue;
                    if (row.Status == ItemStatus.Failed)
                    {
                        failed++;
                        logger.LogWarning("Record failed: {Problem}", row.Reason);
                    }
                    else
                    {
                        users.Add(row.UserKey);
                    }
                    if (batch.Rows.Count >= BatchSize) await output.WriteAsync(batch.TakeRows(), ct);
                }
            }
            if (batch.Rows.Count > 0) await output.WriteAsync(batch.TakeRows(), ct);
            return new Tally(users.Order(StringComparer.Ordinal).ToList(), failed);
        }
        finally
        {
            output.TryComplete();
        }
    }

    private async Task<int> WriteAllAsync(ChannelReader<List<StagedItem>> batches, CancellationTokenSource stopReading, CancellationToken ct)
    {
        var writers = Enumerable.Range(0, sink.ConcurrentWrites).Select(_ => WriteSomeAsync(batches, stopReading, ct));
        return (await Task.WhenAll(writers)).Sum();
    }

    /// <summary>One writer: takes batches off the queue until it is empty and complete; a failure stops the reading.</summary>
    private async Task<int> WriteSomeAsync(ChannelReader<List<StagedItem>> batches, CancellationTokenSource stopReading, CancellationToken ct)
    {
        try
        {
            var written = 0;
            await foreach (var rows in batches.ReadAllAsync(stopReading.Token)) written += await sink.WriteAsync(rows, ct);
            return written;
        }
        catch
        {
            await stopReading.CancelAsync();
            throw;
        }
    }

    private sealed class Batch
    {
        private readonly HashSet<(string UserKey, string ItemKey)> _keys = [];
        public List<StagedItem> Rows { get; private set; } = new(BatchSize);

        public bool TryAdd(StagedItem row)
        {
            if (!_keys.Add(StagedItemFactory.IdentityOf(row))) return false;
            Rows.Add(row);
            return true;
        }

        /// <summary>Hands the rows over (to the writer) and starts an empty batch.</summary>
        public List<StagedItem> TakeRows()
        {
            var rows = Rows;
            Rows = new List<StagedItem>(BatchSize);
            _keys.Clear();
            return rows;
        }
    }
}
