using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.IntegrationTests.Control;

/// <summary>
/// Pause, resume, cancel and the user cap, on the distributed setup (real RabbitMQ and PostgreSQL) against an emulator
/// slow enough (latency, one user at a time) for an operator to act while the run is going.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_an_operator_controls_a_run(InfrastructureFixture infrastructure, ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pixelated-control-").FullName;

    private static readonly UserStatus[] InFlight = [UserStatus.Queued, UserStatus.Migrating, UserStatus.Migrated];

    private string _ledger = "";

    private async Task<(ZepEmulatorHost Zep, PipelineHost Pipeline, string[] Files)> StartAsync(string database, int users)
    {
        var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { LatencyMs = 25 });
        _ledger = await infrastructure.CreateDatabaseAsync(database);
        var pipeline = await PipelineHost.StartAsync(zep, PipelineHost.Distributed(infrastructure.RabbitMqUri, _ledger, "sequential"));
        return (zep, pipeline, SyntheticClinicExport.Write(_folder, users, memoriesPerUser: 4, messagesPerUser: 6));
    }

    private static int CountInFlight(RunReport report) => report.UserLines.Count(u => InFlight.Contains(u.Status));

    /// <summary>
    /// What the CLI's progress line shows (the light query it polls) and whether the run finished (the lighter one every
    /// waiter polls) are what the full report says, mid-run and at the end.
    /// </summary>
    private static async Task AssertProgressAgreesWithReportAsync(PipelineHost pipeline, RunReport report)
    {
        var progress = await pipeline.ProgressAsync(report.RunId);
        Assert.Equal((report.Status, report.FinishedAt, report.IsFinished), (progress.Status, progress.FinishedAt, progress.IsFinished));
        Assert.Equal(report.IsFinished, await pipeline.IsFinishedAsync(report.RunId));
        Assert.Null(await pipeline.IsFinishedAsync(Guid.NewGuid()));
        var (expected, actual) = (report.Progress, progress.Progress);
        Assert.Equal((expected.ItemsSettled, expected.ItemsTotal, expected.UsersSettled, expected.UsersTotal),
            (actual.ItemsSettled, actual.ItemsTotal, actual.UsersSettled, actual.UsersTotal));
        Assert.True(actual.ItemsTotal > 0 && actual.UsersTotal == report.Users.Total);
        if (report.IsFinished) Assert.Equal((expected.ItemsPerSecond, expected.EtaSeconds), (actual.ItemsPerSecond, actual.EtaSeconds));
    }

    [Fact]
    public async Task Pause_lets_users_in_flight_finish_and_dispatches_no_more_until_resumed()
    {
        var (zep, pipeline, files) = await StartAsync("control_pause", users: 6);
        await using var _ = zep;
        await using var __ = pipeline;

        var runId = await pipeline.StartRunAsync(new RunRequest(files, MaxUsersInFlight: 1));
        await pipeline.WaitForAsync(runId, r => r.Users.Verified >= 1, TimeSpan.FromMinutes(2), "a first verified user");
        Assert.Equal(ControlOutcome.Done, (await pipeline.ControlAsync(c => c.PauseAsync(runId, "clinic asked to wait", default))).Outcome);

        var paused = await pipeline.WaitForAsync(runId, r => CountInFlight(r) == 0, TimeSpan.FromMinutes(1), "users in flight settling");
        await Task.Delay(1500);
        var later = await pipeline.ReportAsync(runId);
        output.WriteLine($"paused with {paused.Users.Verified} verified; 1.5 s later {later.Users.Verified}; waiting {later.UserLines.Count(u => u.Status == UserStatus.Staged)}");
        Assert.Equal(RunStatus.Paused, later.Status);
        Assert.Equal("clinic asked to wait", later.StatusReason);
        Assert.False(later.IsFinished);
        Assert.Equal(paused.Users.Verified, later.Users.Verified);
        Assert.Equal(0, CountInFlight(later));
        Assert.Contains(later.UserLines, u => u.Status == UserStatus.Staged);
        Assert.Equal(ControlOutcome.Conflict, (await pipeline.ControlAsync(c => c.PauseAsync(runId, null, default))).Outcome);
        await AssertProgressAgreesWithReportAsync(pipeline, later);

        Assert.Equal(ControlOutcome.Done, (await pipeline.ControlAsync(c => c.ResumeAsync(runId, default))).Outcome);
        var done = await pipeline.WaitForAsync(runId, r => r.IsFinished, TimeSpan.FromMinutes(3), "the run finishing");
        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal(6, done.Users.Verified);
        await AssertProgressAgreesWithReportAsync(pipeline, done);
        var expected = ExpectedExport.LoadFiles(files);
        var check = MigrationChecker.Check(zep.Store, expected);
        Assert.True(check.Lost.Count + check.Duplicated.Count + check.Unexpected.Count == 0, check.ToString());
    }

    [Fact]
    public async Task The_cap_bounds_users_in_flight_and_cancel_leaves_waiting_users_unwritten_with_the_reason()
    {
        var (zep, pipeline, files) = await StartAsync("control_cancel", users: 6);
        await using var _ = zep;
        await using var __ = pipeline;

        var runId = await pipeline.StartRunAsync(new RunRequest(files, MaxUsersInFlight: 2));
        var mostInFlight = 0;
        await pipeline.WaitForAsync(runId, r =>
        {
            mostInFlight = Math.Max(mostInFlight, CountInFlight(r));
            return r.Users.Verified >= 2;
        }, TimeSpan.FromMinutes(2), "two verified users");
        Assert.InRange(mostInFlight, 1, 2);

        var cancel = await pipeline.ControlAsync(c => c.CancelAsync(runId, "wrong export", default));
        Assert.Equal(ControlOutcome.Done, cancel.Outcome);
        var done = await pipeline.WaitForAsync(runId, r => r.IsFinished, TimeSpan.FromMinutes(2), "the cancelled run settling");

        output.WriteLine($"cancelled: {done.Users.Verified} verified, {done.Users.Cancelled} cancelled; rerun: {done.Rerun.Summary}");
        Assert.Equal(RunStatus.Cancelled, done.Status);
        Assert.Equal("wrong export", done.StatusReason);
        Assert.True(done.Users.Cancelled >= 1);
        Assert.Equal(6, done.Users.Verified + done.Users.Cancelled);
        foreach (var user in done.UserLines.Where(u => u.Status == UserStatus.Cancelled))
        {
            Assert.False(zep.Store.UserExists(user.User), $"cancelled user {user.User} was written to Zep");
            Assert.Contains("cancelled", user.Error);
        }
        Assert.Contains("cancelled", done.Rerun.Summary);

        // The public read model says the same as the report.
        await using var connection = new Npgsql.NpgsqlConnection(_ledger);
        await connection.OpenAsync();
        await using var query = new Npgsql.NpgsqlCommand(
            "SELECT status, status_reason, users_total, users_verified, users_cancelled, items_total, items_migrated, items_pending FROM v_migration_runs WHERE run_id = @id",
            connection);
        query.Parameters.AddWithValue("id", runId);
        await using (var row = await query.ExecuteReaderAsync())
        {
            Assert.True(await row.ReadAsync());
            Assert.Equal(("cancelled", "wrong export", 6L, (long)done.Users.Verified, (long)done.Users.Cancelled),
                (row.GetString(0), row.GetString(1), row.GetInt64(2), row.GetInt64(3), row.GetInt64(4)));
            Assert.Equal(((long)done.Items.Total, (long)done.Items.Migrated, (long)done.Items.Pending), (row.GetInt64(5), row.GetInt64(6), row.GetInt64(7)));
        }
        Assert.Equal(ControlOutcome.Conflict, (await pipeline.ControlAsync(c => c.CancelAsync(runId, null, default))).Outcome);
        Assert.Equal(ControlOutcome.Conflict, (await pipeline.ControlAsync(c => c.ResumeAsync(runId, default))).Outcome);
        Assert.Equal(ControlOutcome.NotFound, (await pipeline.ControlAsync(c => c.PauseAsync(Guid.NewGuid(), null, default))).Outcome);
    }

    [Fact]
    public async Task A_user_filter_migrates_only_that_user_and_accounts_for_the_rest_as_skipped()
    {
        var (zep, pipeline, files) = await StartAsync("control_filter", users: 3);
        await using var _ = zep;
        await using var __ = pipeline;

        var runId = await pipeline.StartRunAsync(new RunRequest(files, Users: ["patient-0001"]));
        var done = await pipeline.WaitForAsync(runId, r => r.IsFinished, TimeSpan.FromMinutes(2), "the run finishing");

        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal(["patient-0001"], done.UserLines.Where(u => u.Status == UserStatus.Verified).Select(u => u.User));
        Assert.Equal(2, done.UserLines.Count(u => u.Status == UserStatus.Skipped && u.Error == RunFilter.NotSelectedUser));
        Assert.Equal(done.Items.Total, done.Items.Migrated + done.Items.Skipped);
        Assert.All(done.Problems.Where(p => p.User != "patient-0001"), p => Assert.Equal(RunFilter.NotSelectedUser, p.Reason));
        Assert.True(zep.Store.UserExists("patient-0001"));
        Assert.False(zep.Store.UserExists("patient-0000"));
        Assert.False(zep.Store.UserExists("patient-0002"));
    }

    [Fact]
    public async Task A_session_filter_migrates_only_that_conversation()
    {
        var (zep, pipeline, files) = await StartAsync("control_session", users: 2);
        await using var _ = zep;
        await using var __ = pipeline;

        var runId = await pipeline.StartRunAsync(new RunRequest(files, Session: "session-0001-0"));
        var done = await pipeline.WaitForAsync(runId, r => r.IsFinished, TimeSpan.FromMinutes(2), "the run finishing");

        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal([("patient-0000", UserStatus.Skipped), ("patient-0001", UserStatus.Verified)], done.UserLines.Select(u => (u.User, u.Status)));
        var messages = zep.Store.GetThreadIds("patient-0001").SelectMany(zep.Store.GetMessages).ToList();
        Assert.Equal(done.Items.Migrated, messages.Count);
        Assert.True(messages.Count > 0);
        Assert.Empty(zep.Store.GetEpisodes("patient-0001")); // memories are outside a session filter
        Assert.All(done.Problems, p => Assert.Equal(RunFilter.NotSelectedSession, p.Reason));
        Assert.Equal(done.Items.Total, done.Items.Migrated + done.Items.Skipped);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
