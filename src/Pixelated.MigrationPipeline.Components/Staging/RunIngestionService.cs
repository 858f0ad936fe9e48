using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Components.Telemetry;
using Pixelated.MigrationPipeline.Components.Users;
using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Staging;

/// <summary>
/// Stages a run's export, applies the run's user/session filter, then lets the <see cref="RunDispatcher"/> hand its users
/// to the workers (up to the run's cap). A redelivered message after staging only dispatches again.
/// </summary>
public sealed class RunIngestionService(LedgerDbContext db, ExportStagingService staging, RunDispatcher dispatcher, RunStatusRoller roller,
    IOptions<PipelineOptions> options, IServiceScopeFactory scopes, TimeProvider clock, PipelineMetrics metrics)
{
    private static readonly TimeSpan CancelPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>Null when the run is not in this ledger (a message meant for another deployment): nothing to do.</summary>
    public async Task<ExportIngested?> IngestAsync(IngestExport message, Func<MigrateUser, Task> publish, CancellationToken ct)
    {
        var run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == message.RunId, ct);
        if (run is null) return null;
        if (run.Status is not (RunStatus.Created or RunStatus.Ingesting) && run.IngestedAt is not null)
        {
            var again = await dispatcher.DispatchAsync(run.Id, publish, ct);
            return new ExportIngested(run.Id, again, 0, 0);
        }
        if (run.Status is RunStatus.Cancelled) return new ExportIngested(run.Id, 0, 0, 0);

        await db.Runs.Where(r => r.Id == run.Id && r.Status == RunStatus.Created)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Ingesting), ct);
        ExportStagingService.StagingResult result;
        using (var cancelled = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            // A run cancelled while staging stops reading at once (the watch polls the ledger): its status stays Cancelled.
            var watch = WatchForCancelAsync(run.Id, cancelled);
            try
            {
                result = await staging.StageAsync(run.Id, message.Files, message.AssignUserId, RulesFor(run, options.Value),
                    new UserMapping(run.UsersFile, run.UserPrefix), cancelled.Token);
            }
            catch (OperationCanceledException) when (cancelled.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                await roller.RollUpAsync(run.Id, ct);
                return new ExportIngested(run.Id, 0, 0, 0);
            }
            finally
            {
                await cancelled.CancelAsync();
                await watch;
            }
        }
        await RunFilter.ApplyAsync(db, run, clock.GetUtcNow(), ct);
        // What staging and the filter settled (unreadable records, inactive and unselected items); the rest counts per user.
        metrics.ItemsSettled(ItemOutcomeCounts.None, await ItemOutcomeQueries.OfRunAsync(db, run.Id, ct));
        await db.Runs.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.IngestedAt, clock.GetUtcNow()), ct);
        // A run paused (or cancelled) while staging keeps that status.
        await db.Runs.Where(r => r.Id == run.Id && (r.Status == RunStatus.Ingesting || r.Status == RunStatus.Created))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Migrating), ct);

        if (message.DryRun) await PlanOnlyAsync(run.Id, ct);
        else await dispatcher.DispatchAsync(run.Id, publish, ct);

        await roller.RollUpAsync(run.Id, ct);
        return new ExportIngested(run.Id, result.Users.Count, result.Items, result.FailedRecords);
    }

    /// <summary>
    /// What the run may open. Runs started through the API or the drop folder, and any run handed over RabbitMQ while this
    /// process has a drop folder, read only inside <c>Pipeline:DropFolder</c> (the API's default <c>drop</c> when unset);
    /// a CLI run in one process reads the local paths it was given. The bounds apply to all. The run's users file is not
    /// read as an export, even when it lies inside an export folder.
    /// </summary>
    public static ExportFileRules RulesFor(MigrationRun run, PipelineOptions options)
    {
        var configured = string.IsNullOrWhiteSpace(options.DropFolder) ? null : options.DropFolder;
        var confined = run.StartedVia is "api" or "drop-folder" || (options.UsesRabbitMq && configured is not null);
        var root = confined ? RootOf(configured ?? "drop") : null;
        return new ExportFileRules(root, options.MaxFilesPerRun, options.MaxFolderDepth).WithUsersFile(run.UsersFile);
    }

    private static string RootOf(string folder)
    {
        try { return RealPath.Of(folder); }
        catch (IOException) { return Path.GetFullPath(folder); }
    }

    /// <summary>Cancels <paramref name="staging"/> when the run is cancelled in the ledger; ends when staging ends.</summary>
    private async Task WatchForCancelAsync(Guid runId, CancellationTokenSource staging)
    {
        try
        {
            while (!staging.IsCancellationRequested)
            {
                await Task.Delay(CancelPoll, staging.Token);
                await using var scope = scopes.CreateAsyncScope();
                var ledger = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
                var status = await ledger.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => (RunStatus?)r.Status).SingleOrDefaultAsync(staging.Token);
                if (status is RunStatus.Cancelled or null) await staging.CancelAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Dry run: convert every user (limits, splitting, keys) without a single Zep call.</summary>
    private async Task PlanOnlyAsync(Guid runId, CancellationToken ct)
    {
        var users = await db.RunUsers.AsNoTracking().Where(u => u.RunId == runId && u.Status == UserStatus.Staged).ToListAsync(ct);
        foreach (var user in users)
        {
            var items = await db.StagedItems.AsNoTracking()
                .Where(i => i.RunId == runId && i.UserKey == user.UserKey && i.Status == ItemStatus.Staged && i.Kind != StagedItemKind.Unreadable)
                .ToListAsync(ct);
            _ = UserPlanner.Plan(UserTarget.Of(user), items);
        }
        await db.RunUsers.Where(u => u.RunId == runId && u.Status == UserStatus.Staged)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Planned).SetProperty(u => u.UpdatedAt, clock.GetUtcNow()), ct);
    }
}
