using System.Text.Json;
using MassTransit;
using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>Starts a run from any trigger (CLI, drop folder, API): records it in the ledger, then sends <see cref="IngestExport"/>.</summary>
public sealed class RunLauncher(LedgerDbContext db, IPublishEndpoint bus)
{
    public async Task<Guid> StartAsync(IReadOnlyList<string> paths, bool dryRun, CancellationToken ct, string? assignUserId = null)
    {
        var files = paths.Select(Path.GetFullPath).ToList();
        var run = new MigrationRun
        {
            Id = NewId.NextGuid(),
            Status = RunStatus.Created,
            DryRun = dryRun,
            SourceFiles = JsonSerializer.Serialize(files.Select(Path.GetFileName)),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Runs.Add(run);
        await db.SaveChangesAsync(ct);
        await bus.Publish(new IngestExport(run.Id, files, dryRun, assignUserId), ct);
        return run.Id;
    }
}
