using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// Counts the Zep requests one unit of work sends and adds them to its run (even when the work fails). A unit of work that
/// ends in a ledger transaction of its own adds them there (<see cref="AddInTransactionAsync"/>), which saves the run's
/// counter a transaction of its own per consumer; whatever is left unrecorded is added when the work ends.
/// </summary>
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
            await runs.AddZepRequestsAsync(runId, requests.Unrecorded, CancellationToken.None);
        }
    }

    /// <summary>
    /// Adds the requests the current unit of work has sent so far to its run, inside the caller's open ledger transaction.
    /// Call the returned action once that transaction has committed: until then the requests still count as unrecorded,
    /// so a transaction that rolls back loses none of them.
    /// </summary>
    public async Task<Action> AddInTransactionAsync(Guid runId, CancellationToken ct)
    {
        if (counter.CurrentScope is not { } scope) return static () => { };
        var pending = scope.Unrecorded;
        await runs.AddZepRequestsAsync(runId, pending, ct);
        return () => scope.MarkRecorded(pending);
    }
}
