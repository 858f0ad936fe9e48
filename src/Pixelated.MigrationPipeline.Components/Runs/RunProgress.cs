using Pixelated.MigrationPipeline.Contracts;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>After a user settles: the next waiting users take its place, and the run's status is rolled up.</summary>
public sealed class RunProgress(RunDispatcher dispatcher, RunStatusRoller roller)
{
    public async Task UserSettledAsync(Guid runId, Func<MigrateUser, Task> publish, CancellationToken ct)
    {
        await dispatcher.DispatchAsync(runId, publish, ct);
        await roller.RollUpAsync(runId, ct);
    }
}
