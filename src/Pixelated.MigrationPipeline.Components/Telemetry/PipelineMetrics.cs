using System.Diagnostics.Metrics;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Telemetry;

/// <summary>
/// The migration's counters: items reaching an outcome (<c>pixelated_migration_items_total{outcome}</c>: migrated,
/// skipped, failed; at staging for what is settled there, after each user's migration for the rest) and the bytes of
/// export files read (<c>pixelated_ingest_bytes_total</c>; its rate is the ingest MB/s). No label names a user or a file.
/// </summary>
public sealed class PipelineMetrics
{
    private readonly Counter<long> _items;
    private readonly Counter<long> _ingestBytes;

    public PipelineMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(PipelineTelemetry.MeterName);
        _items = meter.CreateCounter<long>("pixelated.migration.items", unit: "{item}", description: "Items that reached an outcome (migrated, skipped, failed)");
        _ingestBytes = meter.CreateCounter<long>("pixelated.ingest.bytes", unit: "By", description: "Bytes of export files read by staging");
    }

    /// <summary>Adds what moved into each outcome between two counts of the same items by status.</summary>
    public void ItemsSettled(ItemOutcomeCounts before, ItemOutcomeCounts after)
    {
        Add("migrated", after.Migrated - before.Migrated);
        Add("skipped", after.Skipped - before.Skipped);
        Add("failed", after.Failed - before.Failed);
    }

    public void FileRead(long bytes)
    {
        if (bytes > 0) _ingestBytes.Add(bytes);
    }

    private void Add(string outcome, long count)
    {
        if (count > 0) _items.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
    }
}

/// <summary>Items by final status (staged items are not counted).</summary>
public readonly record struct ItemOutcomeCounts(long Migrated, long Skipped, long Failed)
{
    public static readonly ItemOutcomeCounts None = new(0, 0, 0);

    public static ItemOutcomeCounts Of(IEnumerable<(ItemStatus Status, int Count)> counts)
    {
        long migrated = 0, skipped = 0, failed = 0;
        foreach (var (status, count) in counts)
        {
            switch (status)
            {
                case ItemStatus.Migrated: migrated += count; break;
                case ItemStatus.Skipped: skipped += count; break;
                case ItemStatus.Failed: failed += count; break;
            }
        }
        return new ItemOutcomeCounts(migrated, skipped, failed);
    }
}
