using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger;

namespace Pixelated.MigrationPipeline.Components.Hosting;

/// <summary>
/// Watches <c>Pipeline:DropFolder</c>. A new file is claimed by an atomic rename into <c>processing/</c> (so two workers
/// never take the same file), migrated as a run of its own, then moved to <c>done/</c> or <c>failed/</c>.
/// </summary>
public sealed class DropFolderWatcher(IServiceScopeFactory scopes, IOptions<PipelineOptions> options, ILogger<DropFolderWatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private readonly Dictionary<Guid, string> _inFlight = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var folder = options.Value.DropFolder;
        if (string.IsNullOrWhiteSpace(folder)) return;
        folder = Path.GetFullPath(folder);
        foreach (var sub in new[] { "processing", "done", "failed" }) Directory.CreateDirectory(Path.Combine(folder, sub));
        logger.LogInformation("Watching drop folder {Folder}", folder);

        using var timer = new PeriodicTimer(PollInterval);
        do
        {
            try
            {
                await ClaimNewFilesAsync(folder, stoppingToken);
                await SettleFinishedRunsAsync(folder, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Drop folder scan failed; retrying");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ClaimNewFilesAsync(string folder, CancellationToken ct)
    {
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith('.') || name.EndsWith(".partial", StringComparison.OrdinalIgnoreCase)) continue;
            var claimed = Path.Combine(folder, "processing", $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}-{name}");
            try { File.Move(file, claimed); }
            catch (IOException) { continue; } // another worker claimed it first
            catch (UnauthorizedAccessException) { continue; }

            await using var scope = scopes.CreateAsyncScope();
            var runId = await scope.ServiceProvider.GetRequiredService<RunLauncher>().StartAsync(new RunRequest([claimed], StartedVia: "drop-folder"), ct);
            _inFlight[runId] = claimed;
            logger.LogInformation("Drop folder file claimed as run {RunId}", runId);
        }
    }

    private async Task SettleFinishedRunsAsync(string folder, CancellationToken ct)
    {
        if (_inFlight.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        foreach (var (runId, path) in _inFlight.ToList())
        {
            var run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct);
            if (run?.FinishedAt is null) continue;
            var target = run.Status == Ledger.Entities.RunStatus.Completed ? "done" : "failed";
            File.Move(path, Path.Combine(folder, target, Path.GetFileName(path)), overwrite: true);
            _inFlight.Remove(runId);
            logger.LogInformation("Run {RunId} finished as {Status}; file moved to {Target}/", runId, Ledger.Entities.StatusNames.ToWire(run.Status), target);
        }
    }
}
