using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>Starts a run from any trigger (CLI, drop folder, API): records it in the ledger, then sends <see cref="IngestExport"/>.</summary>
public sealed class RunLauncher(LedgerDbContext db, IPublishEndpoint bus, IOptions<PipelineOptions> options, TimeProvider? clock = null,
    RunLeaseKeeper? leases = null)
{
    public Task<Guid> StartAsync(IReadOnlyList<string> paths, bool dryRun, CancellationToken ct, string? assignUserId = null) =>
        StartAsync(new RunRequest(paths, dryRun, assignUserId), ct);

    public async Task<Guid> StartAsync(RunRequest request, CancellationToken ct)
    {
        var files = request.Paths.Select(Path.GetFullPath).ToList();
        var source = SourceNames.Of(request.Source, files);
        var run = new MigrationRun
        {
            Id = NewId.NextGuid(),
            Status = RunStatus.Created,
            DryRun = request.DryRun,
            SourceFiles = JsonSerializer.Serialize(files),
            CreatedAt = (clock ?? TimeProvider.System).GetUtcNow(),
            MaxUsersInFlight = request.MaxUsersInFlight ?? options.Value.MaxUsersInFlight,
            UserFilter = request.Users is { Count: > 0 } users ? JsonSerializer.Serialize(users.Distinct(StringComparer.Ordinal)) : null,
            SessionFilter = string.IsNullOrEmpty(request.Session) ? null : request.Session,
            StartedVia = request.StartedVia,
            RequestedBy = request.RequestedBy,
            AssignUserId = request.AssignUserId,
            UsersFile = string.IsNullOrEmpty(request.UsersFile) ? null : Path.GetFullPath(request.UsersFile),
            UserPrefix = string.IsNullOrEmpty(request.UserPrefix) ? null : request.UserPrefix,
            UpdateUsers = request.UpdateUsers,
            SourceName = source,
            PreviousRunId = request.DryRun ? null : await PreviousSyncAsync(source, ct),
            FullExport = request.FullExport,
            PropagateDeletes = request.PropagateDeletes,
            // The first lease: a process must pick the run up before it expires (this one, or a worker), else it is interrupted.
            LeaseExpiresAtMs = RunLease.Until((clock ?? TimeProvider.System).GetUtcNow(), options.Value.RunLeaseSeconds),
        };
        db.Runs.Add(run);
        leases?.Hold(run.Id);
        await db.SaveChangesAsync(ct);
        // The span that starts the run (the API's POST, the CLI's migrate) names it: the trace of a run is found by its id.
        System.Diagnostics.Activity.Current?.SetTag(Telemetry.PipelineTelemetry.RunIdTag, run.Id.ToString());
        await bus.Publish(IngestMessage(run), ct);
        return run.Id;
    }

    /// <summary>The last run of <paramref name="source"/> that finished (not a dry run): the sync this run follows.</summary>
    private async Task<Guid?> PreviousSyncAsync(string source, CancellationToken ct)
    {
        var finished = await db.Runs.AsNoTracking()
            .Where(r => r.SourceName == source && !r.DryRun && r.FinishedAt != null
                        && (r.Status == RunStatus.Completed || r.Status == RunStatus.CompletedWithErrors))
            .Select(r => new { r.Id, r.FinishedAt }).ToListAsync(ct); // SQLite cannot order by DateTimeOffset in SQL
        return finished.OrderByDescending(r => r.FinishedAt).Select(r => (Guid?)r.Id).FirstOrDefault();
    }

    /// <summary>The message that (re)stages a run; staging is idempotent, so resuming an interrupted ingest sends it again.</summary>
    public static IngestExport IngestMessage(MigrationRun run) =>
        new(run.Id, JsonSerializer.Deserialize<List<string>>(run.SourceFiles) ?? [], run.DryRun, run.AssignUserId);
}
