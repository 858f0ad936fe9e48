using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Components.Runs;

namespace Pixelated.MigrationPipeline.Cli.Hosting;

/// <summary>
/// Waits for a run to finish, or for <c>done</c> to say so when given (a revalidation of a finished run), or for a
/// deadline, telling an observer (when given) the run's progress along the way and once more at the end; then reads the
/// full report once. Whether the run finished is its row alone, read four times a second; the progress counts the run's
/// items, so it is read at most that often and never for more than a tenth of the time (<see cref="ProgressInterval"/>):
/// a run ten times bigger updates its progress less often instead of keeping a core busy counting. Null when the run is
/// not in the ledger.
/// </summary>
public static class RunWatcher
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public static async Task<RunReport?> WaitAsync(IServiceProvider services, Guid runId, DateTimeOffset deadline, Action<RunProgressSnapshot>? observe,
        CancellationToken ct, Func<Task<bool>>? done = null)
    {
        var nextProgress = DateTimeOffset.MinValue;
        while (true)
        {
            await using (var scope = services.CreateAsyncScope())
            {
                var query = scope.ServiceProvider.GetRequiredService<RunReportQuery>();
                if (await query.IsFinishedAsync(runId, ct) is not { } runFinished) return null;
                var last = (done is null ? runFinished : await done()) || DateTimeOffset.UtcNow > deadline;
                if (observe is not null && (last || DateTimeOffset.UtcNow >= nextProgress))
                {
                    var started = Stopwatch.GetTimestamp();
                    if (await query.ProgressAsync(runId, ct) is { } progress) observe(progress);
                    nextProgress = DateTimeOffset.UtcNow + ProgressInterval(Stopwatch.GetElapsedTime(started));
                }
                if (last) break;
            }
            await Task.Delay(Poll, ct);
        }
        await using var final = services.CreateAsyncScope();
        return await final.ServiceProvider.GetRequiredService<RunReportQuery>().GetAsync(runId, ct);
    }

    /// <summary>The wait before the next progress read: the poll interval, or ten times what the last read took if longer.</summary>
    public static TimeSpan ProgressInterval(TimeSpan lastReadTook) => lastReadTook * 10 > Poll ? lastReadTook * 10 : Poll;

    public static DateTimeOffset Deadline(int timeoutSeconds) =>
        timeoutSeconds > 0 ? DateTimeOffset.UtcNow.AddSeconds(timeoutSeconds) : DateTimeOffset.MaxValue;
}
