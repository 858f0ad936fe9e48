using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Mem0;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Components.Staging;

/// <summary>Reads every export file of a run and stages its items in the ledger, in batches, one row per source item.</summary>
public sealed class ExportStagingService(LedgerDbContext db, IOptions<PipelineOptions> options, ILogger<ExportStagingService> logger)
{
    private const int BatchSize = 1000;

    public sealed record StagingResult(IReadOnlyList<string> Users, int Items, int FailedRecords);

    public async Task<StagingResult> StageAsync(Guid runId, IReadOnlyList<string> paths, string? assignUserId, CancellationToken ct)
    {
        // A retried ingest restarts from a clean slate for this run: staging is all-or-nothing per run.
        await db.StagedItems.Where(i => i.RunId == runId).ExecuteDeleteAsync(ct);
        await db.RunUsers.Where(u => u.RunId == runId).ExecuteDeleteAsync(ct);

        var reader = new Mem0ExportReader(new Mem0ReaderOptions { FallbackUserId = assignUserId }, clock: null);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var users = new SortedSet<string>(StringComparer.Ordinal);
        var batch = new List<StagedItem>(BatchSize);
        int items = 0, failed = 0;

        foreach (var file in ExportFiles.Expand(paths))
        {
            await foreach (var outcome in reader.ReadAsync(file, ct))
            {
                StagedItem row;
                switch (outcome)
                {
                    case ItemRead { Item: var item }:
                        row = StagedItemFactory.FromItem(runId, item, options.Value.IncludeInactive);
                        if (!seen.Add(row.ItemKey)) continue; // the same item seen twice (two pages, listing + history) is one item
                        if (row.Status == ItemStatus.Failed) failed++;
                        else users.Add(row.UserKey);
                        break;
                    case RecordFailed failure:
                        row = StagedItemFactory.FromFailure(runId, failure);
                        if (!seen.Add(row.ItemKey)) continue;
                        failed++;
                        logger.LogWarning("Unreadable record: {Problem}", failure.ToString());
                        break;
                    default:
                        continue;
                }
                items++;
                batch.Add(row);
                if (batch.Count >= BatchSize) await FlushAsync(batch, ct);
            }
        }
        await FlushAsync(batch, ct);

        var now = DateTimeOffset.UtcNow;
        db.RunUsers.AddRange(users.Select(u => new RunUser { RunId = runId, UserKey = u, Status = UserStatus.Staged, UpdatedAt = now }));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return new StagingResult(users.ToList(), items, failed);
    }

    private async Task FlushAsync(List<StagedItem> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        db.StagedItems.AddRange(batch);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        batch.Clear();
    }
}
