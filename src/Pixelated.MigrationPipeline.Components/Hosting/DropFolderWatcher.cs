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
/// <remarks>
/// A <c>users.csv</c> or <c>users.json</c> in the drop folder is not an export: it is the users file of every export
/// dropped beside it (id map, e-mail, names, role). Each run gets a copy of it in <c>processing/</c>, taken when its export
/// is claimed (so replacing the file later does not change a run under way), and the copy follows the export to
/// <c>done/</c> or <c>failed/</c>. Drop the users file first (or write it under a <c>.partial</c> name and rename it).
/// While both a <c>users.csv</c> and a <c>users.json</c> lie there, no export is claimed: which one was meant is unknown.
/// </remarks>
public sealed class DropFolderWatcher(IServiceScopeFactory scopes, IOptions<PipelineOptions> options, ILogger<DropFolderWatcher> logger, TimeProvider clock)
    : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Names of the drop folder's users file (any case).</summary>
    public static IReadOnlyList<string> UsersFileNames { get; } = ["users.csv", "users.json"];

    private readonly Dictionary<Guid, (string Export, string? UsersFile)> _inFlight = new();
    private bool _ambiguityLogged;

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
        var entries = Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).ToList();
        var usersFiles = entries.Where(IsUsersFile).ToList();
        if (usersFiles.Count > 1)
        {
            if (!_ambiguityLogged)
                logger.LogError("The drop folder holds {Count} users files (users.csv and users.json); no export is claimed until one is removed", usersFiles.Count);
            _ambiguityLogged = true;
            return;
        }
        _ambiguityLogged = false;
        var usersFile = usersFiles.SingleOrDefault();

        foreach (var file in entries)
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith('.') || name.EndsWith(".partial", StringComparison.OrdinalIgnoreCase) || IsUsersFile(file)) continue;
            var stamp = $"{clock.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid():N}";
            var claimed = Path.Combine(folder, "processing", $"{stamp}-{name}");
            string? usersCopy = null;
            if (usersFile is not null)
            {
                // The run's own copy, taken before the claim: a users file being replaced is picked up on the next scan.
                usersCopy = Path.Combine(folder, "processing", $"{stamp}-{Path.GetFileName(usersFile).ToLowerInvariant()}");
                try { File.Copy(usersFile, usersCopy); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning("The drop folder's users file could not be copied ({Error}); exports wait for the next scan", e.GetType().Name);
                    TryDelete(usersCopy);
                    return;
                }
            }
            try { File.Move(file, claimed); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // another worker claimed it first
                if (usersCopy is not null) TryDelete(usersCopy);
                continue;
            }

            await using var scope = scopes.CreateAsyncScope();
            var runId = await scope.ServiceProvider.GetRequiredService<RunLauncher>()
                .StartAsync(new RunRequest([claimed], StartedVia: "drop-folder", UsersFile: usersCopy), ct);
            _inFlight[runId] = (claimed, usersCopy);
            logger.LogInformation("Drop folder file claimed as run {RunId}{UsersFile}", runId, usersCopy is null ? "" : " with the drop folder's users file");
        }
    }

    private static bool IsUsersFile(string path) =>
        UsersFileNames.Contains(Path.GetFileName(path), StringComparer.OrdinalIgnoreCase);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private async Task SettleFinishedRunsAsync(string folder, CancellationToken ct)
    {
        if (_inFlight.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        foreach (var (runId, (path, usersFile)) in _inFlight.ToList())
        {
            var run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct);
            if (run?.FinishedAt is null) continue;
            var target = run.Status == Ledger.Entities.RunStatus.Completed ? "done" : "failed";
            File.Move(path, Path.Combine(folder, target, Path.GetFileName(path)), overwrite: true);
            if (usersFile is not null && File.Exists(usersFile))
                File.Move(usersFile, Path.Combine(folder, target, Path.GetFileName(usersFile)), overwrite: true);
            _inFlight.Remove(runId);
            logger.LogInformation("Run {RunId} finished as {Status}; file moved to {Target}/", runId, Ledger.Entities.StatusNames.ToWire(run.Status), target);
        }
    }
}
