using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Components.Runs;

namespace Pixelated.MigrationPipeline.Cli.Hosting;

/// <summary>Polls a run's report until it finishes (or a deadline passes), telling an observer about each report.</summary>
public static class RunWatcher
{
    public static async Task<RunReport?> WaitAsync(IServiceProvider services, Guid runId, DateTimeOffset deadline, Action<RunReport> observe,
        CancellationToken ct, Func<RunReport, Task<bool>>? done = null)
    {
        done ??= r => Task.FromResult(r.IsFinished);
        while (true)
        {
            RunReport? report;
            await using (var scope = services.CreateAsyncScope())
                report = await scope.ServiceProvider.GetRequiredService<RunReportQuery>().GetAsync(runId, ct);
            if (report is null) return null;
            observe(report);
            if (await done(report) || DateTimeOffset.UtcNow > deadline) return report;
            await Task.Delay(250, ct);
        }
    }

    public static DateTimeOffset Deadline(int timeoutSeconds) =>
        timeoutSeconds > 0 ? DateTimeOffset.UtcNow.AddSeconds(timeoutSeconds) : DateTimeOffset.MaxValue;
}
