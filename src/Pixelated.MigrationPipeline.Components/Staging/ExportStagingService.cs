using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Components.Sync;
using Pixelated.MigrationPipeline.Components.Telemetry;
using Pixelated.MigrationPipeline.Components.Users;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Ledger.Staging;
using Pixelated.MigrationPipeline.Mem0;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Components.Staging;

/// <summary>
/// Reads every export file of a run as a stream and stages one ledger row per source item (migrate, skip with reason,
/// or failed with reason), in batches, in constant memory. Reading and converting (CPU) overlap with writing (the
/// ledger): full batches go through a two-batch queue to the writers (as many as the sink takes at once).
/// </summary>
public sealed class ExportStagingService(LedgerDbContext db, IStagedItemSink sink, IOptions<PipelineOptions> options, ILogger<ExportStagingService> logger,
    TimeProvider clock, PipelineMetrics? metrics = null)
{
    private const int BatchSize = 5000;

    public sealed record StagingResult(IReadOnlyList<string> Users, int Items, int FailedRecords);

    private sealed record Tally(IReadOnlyList<string> Users, int Failed, RoleTally Roles);

    public Task<StagingResult> StageAsync(Guid runId, IReadOnlyList<string> paths, string? assignUserId, CancellationToken ct) =>
        StageAsync(runId, paths, assignUserId, new ExportFileRules(null, options.Value.MaxFilesPerRun, options.Value.MaxFolderDepth), UserMapping.None, ct);

    /// <summary>
    /// Stages what <paramref name="rules"/> let the run open (<see cref="ExportFiles.Walk"/>); every refused entry is a failed
    /// item with its reason. Then records the run's users as <paramref name="mapping"/> and their records' roles make them
    /// (<see cref="UserDirectory"/>): a users file's bad rows are failed items too.
    /// </summary>
    public async Task<StagingResult> StageAsync(Guid runId, IReadOnlyList<string> paths, string? assignUserId, ExportFileRules rules,
        UserMapping mapping, CancellationToken ct)
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
            tally = await ReadAllAsync(runId, paths, assignUserId, rules, queue.Writer, stopReading.Token);
        }
        catch (OperationCanceledException) when (stopReading.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            await writing; // a writer failed and stopped the reading: surface the writer's error
            throw;
        }
        var items = await writing;

        var resolution = UserDirectory.Load(tally.Users, tally.Roles, mapping, rules.Root);
        foreach (var row in resolution.FailedRows)
            logger.LogWarning("Users file row {Row} failed: {Problem}", row.Row, row.Reason);
        await StagedUsers.RecordAsync(db, runId, resolution, clock.GetUtcNow(), ct);
        await AbsentUsers.AddAsync(db, runId, clock.GetUtcNow(), ct);
        return new StagingResult(tally.Users, items, tally.Failed + resolution.FailedRows.Count);
    }

    private async Task<Tally> ReadAllAsync(Guid runId, IReadOnlyList<string> paths, string? assignUserId, ExportFileRules rules,
        ChannelWriter<List<StagedItem>> output, CancellationToken ct)
    {
        var reader = new Mem0ExportReader(new Mem0ReaderOptions { FallbackUserId = assignUserId });
        var users = new HashSet<string>(StringComparer.Ordinal);
        var roles = new RoleTally();
        var batch = new Batch();
        var failed = 0;
        try
        {
            var files = ExportFiles.Walk(paths, rules, ct);
            for (var number = 1; number <= files.Count; number++)
            {
                var file = files[number - 1];
                // Logs name a file by its position in the run and a short hash, never by its name: names may be people's.
                var tag = FileTag(runId, file);
                var outcomes = file.Refusal is { } refusal
                    ? Refused(new RecordFailed(new SourcePosition(file.Name, -1), null, refusal))
                    : reader.ReadAsync(file.Path, ct);
                await foreach (var outcome in outcomes.WithCancellation(ct))
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
                        if (outcome is RecordFailed f)
                            logger.LogWarning("Record failed in file #{FileNumber} ({FileHash}), record #{RecordIndex}{Field}: {Problem}",
                                number, tag, f.Position.RecordIndex, f.Field is null ? "" : $", field '{f.Field}'", f.Reason);
                        else
                            logger.LogWarning("Record failed in file #{FileNumber} ({FileHash}): an item Zep would refuse", number, tag);
                    }
                    else
                    {
                        users.Add(row.UserKey);
                        roles.Observe(row.UserKey, row.CreatedAt, row.MetadataJson);
                    }
                    if (batch.Rows.Count >= BatchSize) await output.WriteAsync(batch.TakeRows(), ct);
                }
                if (file.Readable) metrics?.FileRead(SizeOf(file.Path));
            }
            if (batch.Rows.Count > 0) await output.WriteAsync(batch.TakeRows(), ct);
            return new Tally(users.Order(StringComparer.Ordinal).ToList(), failed, roles);
        }
        finally
        {
            output.TryComplete();
        }
    }

    private static long SizeOf(string path)
    {
        try { return new FileInfo(path).Length; }
        catch (IOException) { return 0; }
    }

    private static async IAsyncEnumerable<ReadOutcome> Refused(RecordFailed failure)
    {
        await Task.CompletedTask;
        yield return failure;
    }

    /// <summary>A short hash standing for a file in logs: stable within a run, not the name (nor guessable from a name without the run).</summary>
    private static string FileTag(Guid runId, ExportFile file)
    {
        var hash = System.Security.Cryptography.HMACSHA256.HashData(runId.ToByteArray(), System.Text.Encoding.UTF8.GetBytes(file.Path));
        return Convert.ToHexStringLower(hash.AsSpan(0, 4));
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
