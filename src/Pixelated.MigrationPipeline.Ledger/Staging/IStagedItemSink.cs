using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Ledger.Staging;

/// <summary>
/// Where staging writes its rows, in batches: binary COPY on PostgreSQL, a prepared INSERT on SQLite. A row whose item key
/// the run already has (the same memory in two files) is dropped: the same item seen twice is one item.
/// </summary>
public interface IStagedItemSink
{
    /// <summary>How many batches <see cref="WriteAsync"/> may be given at the same time (from different threads).</summary>
    int ConcurrentWrites => 1;

    /// <summary>Writes the batch (its keys are distinct); returns how many rows were new to the run.</summary>
    Task<int> WriteAsync(IReadOnlyList<StagedItem> batch, CancellationToken ct);
}
