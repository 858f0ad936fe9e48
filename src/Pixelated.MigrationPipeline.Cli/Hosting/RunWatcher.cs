using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Components.Runs;

namespace Pixelated.MigrationPipeline.Cli.Hosting;

/// <summary>
/// Polls a run's progress until it finishes, or <c>done</c> says so when given (a revalidation of a finished run), or a
/// deadline passes, telling an observer about each poll; then reads the full report once. The progress is two counts;
/// the full report reads every user and counts the items of each, which a watcher need not do four times a second.
/// </summary>
public static class RunWatcher
{
    public static async Task<RunReport?> WaitAsync(IServiceProvider services, Guid runId, DateTimeOffset deadline, Action<RunProgressSnapshot> observe,
        CancellationToken ct, Func<Task<bool>>? done = null)
    {
        while (true)
        {
            RunProgressSnapshot? progress;
            await using (var scope = services.CreateAsyncScope())
                progress = await scope.ServiceProvider.GetRequiredService<RunReportQuery>().ProgressAsync(runId, ct);
            if (progress is null) return null;
            observe(progress);
            if ((done is null ? progress.IsFinished : await done()) || DateTimeOffset.UtcNow > deadline) break;
            await Task.Delay(250, ct);
        }
        await using var final = services.CreateAsyncScope();
        return await final.ServiceProvider.GetRequiredService<RunReportQuery>().GetAsync(runId, ct);
    }

    public static DateTimeOffset Deadline(int timeoutSeconds) =>
        timeoutSeconds > 0 ? DateTimeOffset.UtcNow.AddSeconds(timeoutSeconds) : DateTimeOffset.MaxValue;
}
