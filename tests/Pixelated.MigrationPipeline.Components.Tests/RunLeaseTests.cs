using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary><see cref="RunLease"/>: interrupted is derived from the status and the lease at a given time (the report's clock).</summary>
public sealed class RunLeaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(RunStatus.Created, -1, RunStatus.Interrupted)]
    [InlineData(RunStatus.Ingesting, -1, RunStatus.Interrupted)]
    [InlineData(RunStatus.Migrating, -1, RunStatus.Interrupted)]
    [InlineData(RunStatus.Migrating, 1, RunStatus.Migrating)]
    [InlineData(RunStatus.Paused, -1, RunStatus.Paused)]
    [InlineData(RunStatus.Completed, -1, RunStatus.Completed)]
    [InlineData(RunStatus.CompletedWithErrors, -1, RunStatus.CompletedWithErrors)]
    public void An_unfinished_run_whose_lease_passed_is_interrupted(RunStatus stored, int leaseSecondsFromNow, RunStatus shown)
    {
        var run = new MigrationRun { Status = stored, LeaseExpiresAtMs = RunLease.Until(Now, leaseSecondsFromNow) };
        Assert.Equal(shown, RunLease.Shown(run, Now));
        Assert.Equal(stored, RunLease.Shown(run, Now.AddSeconds(-5))); // earlier, the lease still held
    }

    [Fact]
    public void A_run_without_a_lease_is_never_interrupted() =>
        Assert.Equal(RunStatus.Migrating, RunLease.Shown(new MigrationRun { Status = RunStatus.Migrating }, Now.AddYears(1)));
}
