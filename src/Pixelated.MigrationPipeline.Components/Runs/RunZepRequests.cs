using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// Counts the Zep requests one unit of work (a user's migration or validation) sends and adds them to its user's row
/// (<see cref="RunUser.ZepRequests"/>), even when the work fails. A unit of work that ends in a ledger transaction of its
/// own records them there (<see cref="RecordIn"/>), at no cost of its own; whatever is left unrecorded is added when the
/// work ends.
/// </summary>
public sealed class RunZepRequests(ZepRequestCounter counter, RunStatusRoller runs)
{
    public async Task<T> MeasureAsync<T>(Guid runId, string userKey, Func<Task<T>> work)
    {
        using var requests = counter.BeginScope();
        try
        {
            return await work();
        }
        finally
        {
            await runs.AddZepRequestsAsync(runId, userKey, requests.Unrecorded, CancellationToken.None);
        }
    }

    /// <summary>
    /// Adds the requests the current unit of work has sent so far to its user's tracked row, to be saved with the caller's
    /// next save. Call the returned action once that save has committed: until then the requests still count as
    /// unrecorded, so a transaction that rolls back loses none of them.
    /// </summary>
    public Action RecordIn(RunUser user)
    {
        if (counter.CurrentScope is not { } scope) return static () => { };
        var pending = scope.Unrecorded;
        user.ZepRequests += pending;
        return () => scope.MarkRecorded(pending);
    }
}
