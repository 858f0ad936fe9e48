using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Tests.Sync;

public sealed class RunReportSyncTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 12, 0, 0, TimeSpan.Zero);

    private static MigrationRun Run(string? source, RunStatus status, DateTimeOffset? finished, bool dryRun = false) => new()
    {
        Id = Guid.NewGuid(), SourceName = source, Status = status, FinishedAt = finished, DryRun = dryRun,
    };

    [Fact]
    public void The_lag_of_a_source_is_the_time_since_its_last_finished_sync_and_dry_runs_failed_and_running_runs_are_not_syncs()
    {
        var last = Run("clinic", RunStatus.CompletedWithErrors, Now.AddHours(-3));
        var runs = new[]
        {
            Run("clinic", RunStatus.Completed, Now.AddDays(-2)),
            last,
            Run("clinic", RunStatus.DryRunCompleted, Now.AddMinutes(-5), dryRun: true),
            Run("clinic", RunStatus.Failed, Now.AddMinutes(-4)),
            Run("clinic", RunStatus.Migrating, null),
            Run("other", RunStatus.Migrating, null),
            Run(null, RunStatus.Completed, Now.AddMinutes(-1)),
        };

        var lags = RunReportSync.LagsOf(runs, Now);

        Assert.Equal(["clinic", "other"], lags.Select(l => l.Source));
        Assert.Equal(new SourceLag("clinic", 2, last.Id, last.FinishedAt, 3 * 3600), lags[0]);
        Assert.Equal(new SourceLag("other", 0, null, null, null), lags[1]); // nothing finished: no lag to show yet
    }

    [Fact]
    public void The_csv_has_a_row_per_item_whose_episodes_were_deleted_in_zep_with_its_key_only()
    {
        var report = new RunReport(Guid.NewGuid(), RunStatus.Completed, false, Now, Now, new UserTotals(1, 1, 0, 0, 0), new ItemTotals(2, 2, 0, 0, 0), 3,
            [new UserLine("u1", UserStatus.Verified, 2, null)], [], [])
        {
            Sync = SyncFigures.None with { Source = "clinic", PropagateDeletes = true, DeletedInZep = [new DeletedItem("u1", "memory:m3")] },
        };

        var lines = RunReportCsv.Write(report).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("deleted_in_zep,u1,migrated,,memory:m3,,,deleted_in_source,,,,,", lines[^1]);
        Assert.Equal(RunReportCsv.Header.Length, lines[^1].Split(',').Length);
    }
}
