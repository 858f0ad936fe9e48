using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>Counts the Zep requests one unit of work sends and adds them to its run (even when the work fails).</summary>
public sealed class RunZepRequests(ZepRequestCounter counter, RunStatusRoller runs)
{
    public async Task<T> MeasureAsync<T>(Guid runId, Func<Task<T>> work)
    {
        using var requests = counter.BeginScope();
        try
        {
            return await work();
        }
        finally
        {
            await runs.AddZepRequestsAsync(runId, requests.Count, CancellationToken.None);
        }
    }
}
