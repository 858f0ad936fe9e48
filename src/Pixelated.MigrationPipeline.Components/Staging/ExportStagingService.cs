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
/// or failed with reason), in batches, in constant memory.
/// </summary>
public sealed class ExportStagingService(LedgerDbContext db, IStagedItemSink sink, IOptions<PipelineOptions> options, ILogger<ExportStagingService> logger)
{
    private const int BatchSize = 5000;

    public sealed record StagingResult(IReadOnlyList<string> Users, int Items, int FailedRecords);

    public async Task<StagingResult> StageAsync(Guid runId, IReadOnlyList<string> paths, string? assignUserId, CancellationToken ct)
    {
        // A retried ingest restarts from a clean slate for this run: staging is all-or-nothing per run.
        await db.StagedItems.Where(i => i.RunId == runId).ExecuteDeleteAsync(ct);
        await db.RunUsers.Where(u => u.RunId == runId).ExecuteDeleteAsync(ct);

        var reader = new Mem0ExportReader(new Mem0ReaderOptions { FallbackUserId = assignUserId });
        var users = new SortedSet<string>(StringComparer.Ordinal);
        var batch = new Batch();
        int items = 0, failed = 0;

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
                // The same item seen twice (two pages, a listing and a history) is one item: within a batch it is dropped
                // here, across batches by the sink.
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
                if (batch.Rows.Count >= BatchSize) items += await FlushAsync(batch, ct);
            }
        }
        items += await FlushAsync(batch, ct);

        var now = DateTimeOffset.UtcNow;
        db.RunUsers.AddRange(users.Select(u => new RunUser { RunId = runId, UserKey = u, Status = UserStatus.Staged, UpdatedAt = now }));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return new StagingResult(users.ToList(), items, failed);
    }

    private async Task<int> FlushAsync(Batch batch, CancellationToken ct)
    {
        if (batch.Rows.Count == 0) return 0;
        var written = await sink.WriteAsync(batch.Rows, ct);
        batch.Clear();
        return written;
    }

    private sealed class Batch
    {
        private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
        public List<StagedItem> Rows { get; } = new(BatchSize);

        public bool TryAdd(StagedItem row)
        {
            if (!_keys.Add(row.ItemKey)) return false;
            Rows.Add(row);
            return true;
        }

        public void Clear()
        {
            Rows.Clear();
            _keys.Clear();
        }
    }
}
