using Pixelated.MigrationPipeline.Contracts;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// Moves a run on after a user settles or an operator acts: the next waiting users take the free slots, then the run's
/// status is rolled up.
/// </summary>
public sealed class RunProgress(RunDispatcher dispatcher, RunStatusRoller roller)
{
    /// <summary>The number of users dispatched.</summary>
    public async Task<int> AdvanceAsync(Guid runId, Func<MigrateUser, Task> publish, CancellationToken ct)
    {
        var dispatched = await dispatcher.DispatchAsync(runId, publish, ct);
        await roller.RollUpAsync(runId, ct);
        return dispatched;
    }
}
